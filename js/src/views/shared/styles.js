// The stylesheet every widget shares. Colours come from the JupyterLab theme variables (also
// mapped by VS Code's and Notebook 7's renderers), with fallbacks for plain HTML exports.
const CSS = `
.tw-root { font-family: var(--jp-ui-font-family, system-ui, -apple-system, "Segoe UI", sans-serif);
  font-size: var(--jp-ui-font-size1, 13px); color: var(--jp-ui-font-color1, #222);
  background: var(--jp-layout-color1, #fff); box-sizing: border-box; padding: 6px; max-width: 100%; }
.tw-root *, .tw-root *::before, .tw-root *::after { box-sizing: border-box; }
.tw-title { font-weight: 600; margin: 0 0 4px; }
.tw-controls { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; margin-bottom: 6px; }
.tw-controls label { display: inline-flex; gap: 4px; align-items: center; color: var(--jp-ui-font-color2, #555); }
.tw-root input, .tw-root select, .tw-root button { font: inherit; color: var(--jp-ui-font-color1, #222);
  background: var(--jp-layout-color1, #fff); border: 1px solid var(--jp-border-color1, #bbb); border-radius: 2px; padding: 1px 4px; }
.tw-root button { cursor: pointer; background: var(--jp-layout-color2, #eee); }
.tw-root button:hover { background: var(--jp-layout-color3, #ddd); }
.tw-root :focus-visible { outline: 2px solid var(--jp-brand-color1, #1976d2); outline-offset: 1px; }
.tw-root input[type=number] { width: 7.5em; }
.tw-root input[type=number].tw-wide { width: 10em; }
.tw-scale-note { font-size: 11px; margin-top: 4px; }
.tw-tabs { display: flex; gap: 2px; margin: 0 0 6px; border-bottom: 1px solid var(--jp-border-color2, #ddd); }
.tw-root .tw-tab { border: 1px solid transparent; border-bottom: 0; border-radius: 3px 3px 0 0; background: transparent; padding: 2px 10px; }
.tw-root .tw-tab[aria-selected=true] { border-color: var(--jp-border-color2, #ddd); background: var(--jp-layout-color1, #fff); font-weight: 600;
  margin-bottom: -1px; }
.tw-summary { display: grid; position: relative; align-items: start; column-gap: 0; }
.tw-summary-labels { position: relative; overflow: hidden; }
.tw-summary-canvas, .tw-network-canvas { display: block; cursor: pointer; }
.tw-summary-note { font-size: 11px; margin-top: 2px; }
.tw-summary-plot { position: relative; }
.tw-summary-axis, .tw-summary-bartext { position: absolute; left: 0; top: 0; pointer-events: none; font-size: 10px; line-height: 12px; color: var(--jp-ui-font-color2, #555); }
.tw-summary-axis .tw-axis-tick { position: absolute; transform: translateX(-50%); white-space: nowrap; }
.tw-summary-bartext .tw-bar-end { position: absolute; white-space: nowrap; }
.tw-summary-bartext .tw-bar-caption { position: absolute; writing-mode: vertical-rl; transform: translateY(-50%); white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
.tw-network { position: relative; }
.tw-network-names { position: absolute; left: 0; top: 0; pointer-events: none; font-size: 11px; line-height: 13px; }
.tw-network-names span { position: absolute; transform: translateY(-50%); white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  text-shadow: 0 0 2px var(--jp-layout-color0, #fff), 0 0 2px var(--jp-layout-color0, #fff); }
.tw-network-names span.tw-sel { font-weight: 600; }
.tw-network-legend { font-size: 11px; margin-top: 2px; max-width: 640px; }
.tw-network-legend .tw-sw { display: inline-block; width: 14px; height: 4px; vertical-align: middle; }
.tw-dependence select { font-size: 11px; }
.tw-main { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.tw-matrix { position: relative; display: grid; }
.tw-heatmap { display: block; cursor: crosshair; image-rendering: pixelated; }
.tw-rowlabels, .tw-collabels { position: relative; overflow: hidden; }
.tw-root .tw-rowlabel, .tw-root .tw-collabel { position: absolute; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  border: 0; background: transparent; padding: 0 4px; cursor: pointer; color: var(--jp-ui-font-color1, #222); border-radius: 0; }
.tw-root .tw-rowlabel { right: 0; text-align: right; }
.tw-root .tw-collabel { bottom: 0; writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; padding: 4px 0; }
.tw-root .tw-rowlabel:hover, .tw-root .tw-collabel:hover { background: var(--jp-layout-color2, #eee); }
.tw-root .tw-rowlabel.tw-sel, .tw-root .tw-collabel.tw-sel { font-weight: 700; color: var(--jp-brand-color1, #1976d2); }
.tw-legend { position: relative; }
.tw-legend canvas { position: absolute; left: 4px; top: 0; }
.tw-tick.tw-end { font-weight: 600; }
.tw-tick { position: absolute; left: 22px; transform: translateY(-50%); font-size: 11px; white-space: nowrap;
  color: var(--jp-ui-font-color2, #555); }
.tw-tooltip { position: absolute; pointer-events: none; z-index: 10; padding: 3px 6px; font-size: 12px; white-space: pre;
  background: var(--jp-layout-color0, #fff); color: var(--jp-ui-font-color0, #000); border: 1px solid var(--jp-border-color1, #bbb);
  box-shadow: 0 1px 4px rgba(0,0,0,.2); max-width: 360px; overflow: hidden; text-overflow: ellipsis; }
.tw-drill { flex: 1 1 340px; min-width: 300px; max-width: 520px; overflow-x: auto; }
.tw-drillhead { display: flex; align-items: baseline; }
.tw-drill h4 { margin: 0 0 4px; font-size: 1em; overflow-wrap: anywhere; }
.tw-stats { display: grid; grid-template-columns: auto 1fr; gap: 0 8px; margin-bottom: 6px; }
.tw-muted { color: var(--jp-ui-font-color2, #666); }
.tw-partners { border-collapse: collapse; font-size: 12px; }
.tw-partners th { font-weight: normal; text-align: left; padding: 1px 4px; }
.tw-partners td { padding: 1px 4px; white-space: nowrap; }
.tw-partners td.tw-pname { max-width: 190px; overflow: hidden; text-overflow: ellipsis; }
.tw-partners td.tw-pname .tw-linkbtn { display: block; white-space: nowrap; }
.tw-partners tr.tw-sel td { background: var(--jp-layout-color2, #eee); }
.tw-bar { position: relative; width: 80px; height: 10px; background: var(--jp-layout-color2, #f2f2f2); }
.tw-bar > span { position: absolute; top: 0; height: 100%; }
.tw-bar::after { content: ""; position: absolute; left: 50%; top: -1px; bottom: -1px; border-left: 1px solid var(--jp-ui-font-color2, #888); }
.tw-linkbtn { border: 0 !important; background: transparent !important; padding: 0 !important; text-align: left; cursor: pointer;
  color: var(--jp-content-link-color, var(--jp-brand-color1, #1976d2)); max-width: 100%; overflow: hidden; text-overflow: ellipsis; }
.tw-sets { margin: 4px 0; padding-left: 18px; }
.tw-sets button.tw-on { font-weight: 700; }
.tw-status { min-height: 1.3em; margin: 4px 0; color: var(--jp-ui-font-color2, #555); }
.tw-status[data-state=error] { color: var(--jp-error-color1, #c62828); }
.tw-progress { width: 120px; height: 6px; vertical-align: middle; margin-left: 6px; }
.tw-editor { margin-top: 8px; max-height: 320px; overflow: auto; border-top: 1px solid var(--jp-border-color2, #ddd); }
.tw-editor table { border-collapse: collapse; }
.tw-editor td { padding: 1px 6px; white-space: nowrap; }
.tw-editor td.tw-ename { max-width: 180px; overflow: hidden; text-overflow: ellipsis; }
.tw-editor input[type=range] { width: 140px; }
.tw-field-note { font-size: 11px; color: var(--jp-warn-color0, #a35d00); white-space: normal; }
.tw-kernel-note { font-size: 12px; margin: 4px 0; }
.tw-editor input[type=number] { width: 9.5em; } /* "−0.0446078" or "−1.23457e-7" with the spinner */
.tw-hidden { display: none !important; }
`;

/** Add the shared stylesheet, then a widget's own `extra` CSS, inside `el` (not document.head),
 * so they go away with the view. */
export function injectStyles(el, extra = "") {
  const style = document.createElement("style");
  style.textContent = extra ? `${CSS}\n${extra}` : CSS;
  el.appendChild(style);
  return style;
}
