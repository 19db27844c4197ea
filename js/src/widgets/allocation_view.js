// anywidget entry for AllocationView (bundled to taylor_widgets/static/allocation_view.js).
import { mountAllocation } from "../views/allocation/mount.js";

export default {
  render({ model, el }) {
    return mountAllocation({ model, el }).cleanup;
  },
};
