"""Notebooks are thin and really execute under papermill."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_has_one_parameters_cell_after_its_header(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    tagged = [i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [1]
    assert notebook.cells[0].cell_type == "markdown"


@pytest.mark.slow
def test_practice_interview_runs_non_interactively_under_papermill(tmp_path: Path) -> None:
    source = Path(__file__).parents[2] / "notebooks" / "practice_interview.ipynb"
    output = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(source),
        str(output),
        parameters={"candidate": "simulated:weak", "questions": 2},
        kernel_name="python3",
        cwd=str(tmp_path),
    )
    executed = nbformat.read(output, as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert any("overall" in o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)


@pytest.mark.slow
def test_a_batch_run_of_the_practice_notebook_follows_the_job_posting_it_is_given(tmp_path: Path) -> None:
    posting = tmp_path / "posting.txt"
    posting.write_text("Streaming Data Engineer\nKafka, Spark Structured Streaming, watermarks, exactly-once.\n")
    source = Path(__file__).parents[2] / "notebooks" / "practice_interview.ipynb"
    output = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(source),
        str(output),
        parameters={"candidate": "simulated:strong", "questions": 2, "job_description": str(posting)},
        kernel_name="python3",
        cwd=str(tmp_path),
    )
    executed = nbformat.read(output, as_version=4)
    shown = [o.get("data", {}).get("text/html", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert any("Fit to the posting: Streaming Data Engineer" in html for html in shown)
