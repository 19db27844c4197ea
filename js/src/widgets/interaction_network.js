// anywidget entry for InteractionNetwork: features as nodes, the strongest pairs as edges, with the
// shared drill-down. Bundled to taylor_widgets/static/interaction_network.js.
import { mountMatrix } from "../views/matrix/mount.js";

export default {
  render({ model, el }) {
    return mountMatrix({ model, el, tabs: ["network"] }).cleanup;
  },
};
