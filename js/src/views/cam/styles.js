// CAM viewer additions to the shared stylesheet (theme variables with fallbacks).
export const CAM_CSS = `
.tw-cam-main { display: flex; gap: 8px; align-items: flex-start; }
.tw-cam-canvas { display: block; cursor: crosshair; image-rendering: pixelated; max-width: 100%;
  border: 1px solid var(--jp-border-color2, #ddd); }
.tw-cam-legend { position: relative; width: 110px; }
.tw-cam-quantity { position: absolute; left: 72px; top: 0; bottom: 0; writing-mode: vertical-rl; font-size: 11px;
  color: var(--jp-ui-font-color2, #555); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tw-cam-legend canvas { position: absolute; left: 0; top: 0; width: 12px; }
.tw-cam-ticks { position: absolute; left: 0; top: 0; bottom: 0; right: 0; }
.tw-cam-legend .tw-tick { left: 18px; }
.tw-cam-gallery { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 6px; }
.tw-root .tw-cam-thumb { padding: 1px; border: 2px solid transparent; background: transparent; line-height: 0; }
.tw-root .tw-cam-thumb.tw-sel { border-color: var(--jp-brand-color1, #1976d2); }
.tw-cam-thumb canvas { width: 48px; height: 48px; image-rendering: pixelated; }
.tw-root input[type=range] { width: 90px; }
`;
