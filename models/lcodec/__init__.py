"""lcodec's PyTorch side: layers, entropy models, architectures, training and export.

Layout follows CompressAI: ``layers`` (GDN), ``entropy_models`` (factorized
bottleneck, Gaussian conditional, CDF quantization), ``architectures`` (the
image models), ``integer_hyper`` (the exact hyper-synthesis used for parsing),
``data`` (datasets) and ``export`` (the single model file the C++ side loads).
"""
