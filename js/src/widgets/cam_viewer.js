// anywidget entry for CAMViewer (bundled to taylor_widgets/static/cam_viewer.js).
import { mountCam } from "../views/cam_view.js";

export default {
  render({ model, el }) {
    const { cleanup } = mountCam({ model, el });
    return cleanup;
  },
};
