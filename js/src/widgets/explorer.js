// anywidget entry for Explorer: the matrix view plus the baseline editor.
import { mountMatrix } from "../views/matrix/mount.js";
import { createBaselineEditor } from "../views/explorer/baseline_editor.js";

export default {
  render({ model, el }) {
    return mountMatrix({ model, el, extras: [createBaselineEditor] }).cleanup;
  },
};
