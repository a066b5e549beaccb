"""Running the notebooks over regions and periods with papermill: options, the process pool, jobs,
kernels, output files and `make reproduce`.
"""
