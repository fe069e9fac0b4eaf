"""Deep dive: the development sub-score of the Learning Culture Index and its evidence."""

from dashboards.deep_dive_page import render

render("development")
