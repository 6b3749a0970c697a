"""Great Expectations (GX Core 1.x) suites, declared in code, and the runner that applies them.

Import this package inside the function that validates, never at DAG top level:
GX takes seconds to import.
"""
