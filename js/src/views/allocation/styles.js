// CSS of the allocation view, added next to the shared widget styles (theme variables with fallbacks).
export const ALLOCATION_CSS = `
.tw-alloc-legend { display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; margin: 4px 0 6px; font-size: 12px; }
.tw-alloc-legend .tw-sw { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; border: 1px solid rgba(0,0,0,.2); }
.tw-alloc-grid { display: grid; position: relative; align-items: stretch; overflow-x: auto; }
.tw-alloc-fheads { position: relative; height: 22px; }
.tw-root .tw-alloc-fhead { position: absolute; bottom: 0; height: 22px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
  border: 0; background: transparent; padding: 0 2px; font-size: 11px; color: var(--jp-ui-font-color1, #222); }
.tw-root .tw-alloc-fhead.tw-sel, .tw-root .tw-alloc-method.tw-sel { font-weight: 700; color: var(--jp-brand-color1, #1976d2); }
.tw-alloc-methods, .tw-alloc-markcol { display: flex; flex-direction: column; }
.tw-root .tw-alloc-method { border: 0; background: transparent; text-align: right; padding: 0 6px; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; color: var(--jp-ui-font-color1, #222); border-radius: 0; }
.tw-alloc-marks { display: flex; gap: 4px; align-items: center; padding: 0 6px; font-size: 11px; white-space: nowrap; }
.tw-alloc-marks .tw-ok { color: var(--jp-success-color1, #2e7d32); }
.tw-alloc-marks .tw-bad { color: var(--jp-error-color1, #c62828); }
.tw-alloc-canvas { display: block; cursor: pointer; }
.tw-alloc-panels { display: flex; flex-wrap: wrap; gap: 16px; margin-top: 8px; align-items: flex-start; }
.tw-alloc-panel { min-width: 280px; max-width: 100%; overflow-x: auto; }
.tw-alloc-panel h4 { margin: 0 0 4px; font-size: 1em; overflow-wrap: anywhere; }
.tw-alloc-panel table { border-collapse: collapse; font-size: 12px; }
.tw-alloc-panel th { font-weight: normal; text-align: left; padding: 1px 6px; color: var(--jp-ui-font-color2, #555); }
.tw-alloc-panel td { padding: 1px 6px; white-space: nowrap; }
.tw-alloc-panel td.tw-num { text-align: right; font-variant-numeric: tabular-nums; }
.tw-alloc-mwrap { display: grid; gap: 0 6px; align-items: start; }
.tw-alloc-mlabels { display: flex; flex-direction: column; font-size: 11px; text-align: right; }
.tw-alloc-mlabels span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tw-alloc-matrix { display: block; image-rendering: pixelated; cursor: crosshair; }
.tw-alloc-note { font-size: 12px; color: var(--jp-ui-font-color2, #666); margin: 2px 0; }
`;
