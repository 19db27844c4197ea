// anywidget entry for InteractionMatrix (bundled to taylor_widgets/static/interaction_matrix.js).
import { mountApp } from "../views/app.js";

export default {
  render({ model, el }) {
    const { cleanup } = mountApp({ model, el });
    return cleanup;
  },
};
