"""The composition root: the `intake` command, which builds the service's parts from the
settings and wires intake, extractors and review_ui together. It sits above them all; none of
them imports it."""
