"""Imports of files administrators already have: RVTools exports, GLPI and spreadsheet lists."""

from collectors.imports.lifecycle import ReadOptions, VmRow, list_source, read_lifecycle, read_vm_list
from collectors.imports.lists import ListReport, run_list
from collectors.imports.rvtools import RvtoolsImport, import_rvtools
from collectors.imports.tabular import ParseOptions

__all__ = [
    "ListReport",
    "ParseOptions",
    "ReadOptions",
    "RvtoolsImport",
    "VmRow",
    "import_rvtools",
    "list_source",
    "read_lifecycle",
    "read_vm_list",
    "run_list",
]
