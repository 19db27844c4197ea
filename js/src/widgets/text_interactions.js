// anywidget entry for TextInteractions (bundled to taylor_widgets/static/text_interactions.js).
import { mountText } from "../views/text/mount.js";

export default {
  render({ model, el }) {
    return mountText({ model, el }).cleanup;
  },
};
