"""What people see, built from a StatusReport: display tables and texts (`tables`), plotly figures
(`charts`), the Brownbag deck as data (`slides`) and its files (`export`: PPTX, HTML, XLSX).

Pure presentation: no SQL, no streamlit, no duckdb (import-linter enforces it).
"""
