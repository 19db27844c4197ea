// anywidget entry for CAMViewer (bundled to taylor_widgets/static/cam_viewer.js).
import { mountCam } from "../views/cam/mount.js";

export default {
  render({ model, el }) {
    return mountCam({ model, el }).cleanup;
  },
};
