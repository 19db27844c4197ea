"""Payload builders: core results → the trait values of a widget (arrays, names, labels).

One module per widget family: interaction.py (InteractionMatrix, Explorer), global_matrix.py
(global-over-data matrices and higher-order sets), cam.py (CAMViewer), allocation.py
(AllocationView), text.py (TextInteractions). They import results from `taylor_widgets.core` only and hold no trait state.
"""
