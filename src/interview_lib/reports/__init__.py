"""Reports for people: the session report (text, Markdown, HTML) and the cohort report (HTML with plots), from one
template set."""
