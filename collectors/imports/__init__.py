"""Imports of files administrators already have: RVTools exports, GLPI and spreadsheet lists."""

from collectors.imports.lifecycle import ReadOptions, import_source, read_lifecycle
from collectors.imports.rvtools import RvtoolsImport, import_rvtools
from collectors.imports.tabular import ParseOptions

__all__ = ["ParseOptions", "ReadOptions", "RvtoolsImport", "import_rvtools", "import_source", "read_lifecycle"]
