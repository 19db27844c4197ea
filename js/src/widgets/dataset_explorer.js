// anywidget entry for DatasetExplorer: the matrix view over one example plus the example table.
import { mountDataset } from "../views/dataset_explorer/mount.js";

export default {
  render({ model, el }) {
    return mountDataset({ model, el }).cleanup;
  },
};
