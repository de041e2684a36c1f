"""Training and evaluating MSSNet on the CPU or a GPU: data sources and blur synthesis, the
published loss, the loop with its frozen held-out sets and learning curve, validation, `eval`
figures and the export of shippable weights. Used by `cnaps-desktop train` and `eval`."""
