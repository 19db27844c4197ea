// anywidget entry for Explorer: the matrix view plus the baseline editor.
import { mountApp } from "../views/app.js";
import { createBaselineEditor } from "../views/baseline_editor.js";

export default {
  render({ model, el }) {
    const { cleanup } = mountApp({ model, el, extras: [createBaselineEditor] });
    return cleanup;
  },
};
