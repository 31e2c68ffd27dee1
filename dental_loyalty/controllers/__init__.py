from . import log_filter
