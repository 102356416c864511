"""Neural Playground: train small neural networks on toy 2-D data and see inside them."""

__version__ = "0.1.0"
