// anywidget entry for InteractionSummary: the beeswarm of the top pairs over the samples, with the
// shared drill-down (partners, dependence plot). Bundled to taylor_widgets/static/interaction_summary.js.
import { mountMatrix } from "../views/matrix/mount.js";

export default {
  render({ model, el }) {
    return mountMatrix({ model, el, tabs: ["summary"] }).cleanup;
  },
};
