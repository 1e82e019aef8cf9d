"""What people see, built from a StatusReport: display tables and texts (`tables`), plotly figures
(`charts`), the Brownbag deck's types (`deck`) and content (`slides`), and its files (`export`:
PPTX with `slide_fit` measuring text, HTML, XLSX; `bundle` packs a gathered Stand with its deck).

Pure presentation: no SQL, no streamlit, no duckdb (import-linter enforces it). Data comes in as
`kora.tracking.results` types; gathering it from the database is `kora.tracking.stand.gather`.
"""
