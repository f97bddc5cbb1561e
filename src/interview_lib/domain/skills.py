"""The skills an interview covers, and how much each role leans on each skill."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

SKILLS: Final = MappingProxyType(
    {
        "sql": "SQL",
        "data_modeling": "Data modelling (dimensional, SCD)",
        "spark": "Spark internals and tuning",
        "delta_lake": "Delta Lake and lakehouse design",
        "databricks": "Databricks platform",
        "streaming": "Streaming",
        "orchestration": "Orchestration",
        "data_quality": "Data quality and testing",
        "storage_formats": "File formats and cloud storage",
        "system_design": "Pipeline and system design",
        "cost_performance": "Cost and performance",
        "governance_security": "Governance and security",
        "behavioral": "Behavioural",
    }
)

# Relative weight of each skill per role; a skill left out is chosen only when the candidate asks to focus on it.
ROLE_SKILL_WEIGHTS: Final = MappingProxyType(
    {
        "data-engineer": {
            "sql": 2,
            "data_modeling": 2,
            "spark": 3,
            "delta_lake": 2,
            "databricks": 2,
            "streaming": 1,
            "orchestration": 2,
            "data_quality": 2,
            "storage_formats": 1,
            "system_design": 2,
            "cost_performance": 1,
            "governance_security": 1,
            "behavioral": 1,
        },
        "analytics-engineer": {
            "sql": 4,
            "data_modeling": 4,
            "delta_lake": 1,
            "databricks": 1,
            "orchestration": 1,
            "data_quality": 3,
            "cost_performance": 1,
            "governance_security": 1,
            "behavioral": 1,
            "spark": 1,
        },
        "data-platform-engineer": {
            "databricks": 3,
            "governance_security": 3,
            "cost_performance": 3,
            "system_design": 3,
            "storage_formats": 2,
            "delta_lake": 2,
            "orchestration": 2,
            "spark": 1,
            "behavioral": 1,
            "data_quality": 1,
        },
        "streaming-engineer": {
            "streaming": 5,
            "spark": 2,
            "delta_lake": 2,
            "system_design": 2,
            "data_quality": 1,
            "orchestration": 1,
            "cost_performance": 1,
            "storage_formats": 1,
            "behavioral": 1,
            "sql": 1,
        },
    }
)

LEVEL_DIFFICULTY: Final = MappingProxyType({"junior": 2, "mid": 3, "senior": 3, "staff": 4})
