"""The annual report (政府信息公开工作年度报告): built once (build.py), rendered as JSON, Markdown, DOCX, XLSX.

Nothing is imported here, so that `govpost --help` can name the formats (render.FORMATS) without
loading SQLAlchemy."""
