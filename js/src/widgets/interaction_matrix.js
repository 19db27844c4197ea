// anywidget entry for InteractionMatrix (bundled to taylor_widgets/static/interaction_matrix.js).
import { mountMatrix } from "../views/matrix/mount.js";

export default {
  render({ model, el }) {
    return mountMatrix({ model, el }).cleanup;
  },
};
