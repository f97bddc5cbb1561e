"""A job posting: what it asks for, the checks its text must pass, and how an interview covered it (pure).

The extractors in ``reasoning/posting.py`` fill a ``PostingProfile``; the candidate may correct it
(``corrected``); the setup carries it (``InterviewSetup.posting``), so planning draws core questions from its
skills; the report compares the candidate's scores with it (``posting_fit``). The tables at the end are the
offline extractor's vocabulary: for each skill of the bank's catalog, the words postings use for it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from interview_lib.domain.skills import SKILLS
from interview_lib.errors import ConfigurationError

MAX_POSTING_CHARS: Final = 50_000
TITLE_CHARS: Final = 120
EXCERPT_CHARS: Final = 280

# The same values as models.Level; models imports this module, so it cannot import them from there.
PostingLevel = Literal["junior", "mid", "senior", "staff"]
PostingCloud = Literal["aws", "azure", "gcp"]
PostingSource = Literal["offline", "model"]
FitStatus = Literal["strong", "ok", "weak", "not_covered"]


class PostingFields(BaseModel):
    """What a posting asks for: the fields an extractor fills in (the reply model of the remote extractor)."""

    model_config = ConfigDict(extra="forbid")

    # False for a posting that asks for no data-engineering skill (it then names no skills).
    is_data_engineering: bool
    # The job's title as the posting gives it.
    title: str = Field(default="", max_length=TITLE_CHARS)
    # Skill id of the bank's catalog -> weight in (0, 1]; 1 is the skill the posting stresses most.
    skills: dict[str, float] = Field(default_factory=dict)
    # The seniority the posting hires for, or None when it does not say.
    level: PostingLevel | None = None
    # The cloud the posting names most, or None when it names none.
    cloud: PostingCloud | None = None
    # Named products, services and languages, in the order the posting names them.
    technologies: list[str] = Field(default_factory=list, max_length=80)
    # Skill -> the posting's own words that asked for it (shown to the candidate next to each skill).
    evidence: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _no_skills_outside_data_engineering(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("is_data_engineering") is False:
            return {**data, "skills": {}, "evidence": {}}
        return data

    @field_validator("skills")
    @classmethod
    def _catalog_skills(cls, skills: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(skills) - set(SKILLS))
        if unknown:
            raise ValueError(f"unknown skills {unknown}; use ids of the catalog: {', '.join(SKILLS)}")
        bad = sorted(s for s, w in skills.items() if not 0 < w <= 1)
        if bad:
            raise ValueError(f"weights must be in (0, 1]: {bad}")
        return skills

    @field_validator("technologies")
    @classmethod
    def _tidy_technologies(cls, names: list[str]) -> list[str]:
        tidy = (" ".join(name.split())[:60] for name in names)
        return list(dict.fromkeys(name for name in tidy if name))

    @model_validator(mode="after")
    def _skills_match_the_verdict(self) -> PostingFields:
        if self.is_data_engineering and not self.skills:
            raise ValueError("a data-engineering posting names at least one skill of the catalog")
        self.evidence = {s: quotes for s, quotes in self.evidence.items() if s in self.skills}
        return self


class PostingProfile(PostingFields):
    """A posting as the setup carries it: the extracted fields, the text's hash and an excerpt (not the text)."""

    # sha256 of the normalised text (``posting_sha256``): ties a session to the posting without storing it.
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    # The first words of the posting, for the setup view and the report.
    excerpt: str = Field(default="", max_length=EXCERPT_CHARS + 1)
    # Which extractor filled the fields.
    source: PostingSource = "offline"
    # True once the candidate changed what was extracted.
    corrected: bool = False
    # What the candidate should know, e.g. that no data-engineering skill was found.
    notes: list[str] = Field(default_factory=list)


# -- the text --------------------------------------------------------------------------------------------------
_MAGIC: Final = (
    (b"%PDF", "it looks like a PDF file"),
    (b"PK\x03\x04", "it looks like a Word document or another zip archive"),
    (b"\xd0\xcf\x11\xe0", "it looks like an old Office document"),
    (b"\x89PNG", "it looks like an image"),
    (b"\xff\xd8\xff", "it looks like an image"),
    (b"GIF8", "it looks like an image"),
)
_NOT_TEXT_SHARE: Final = 0.01  # more control or replacement characters than this: not text


def _decoded(data: bytes) -> str | None:
    """The bytes as text (UTF-8, UTF-16 with a byte-order mark, or Windows-1252), or None when they are not."""
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _looks_binary(text: str) -> bool:
    odd = sum(1 for c in text if c == "\ufffd" or (unicodedata.category(c) == "Cc" and c not in "\n\r\t\f"))
    return odd > _NOT_TEXT_SHARE * max(len(text), 1)


def _text_or_problem(data: str | bytes) -> tuple[str, str | None]:
    if isinstance(data, bytes):
        kind = next((why for magic, why in _MAGIC if data.startswith(magic)), None)
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        if kind is None and b"\x00" in data[:8192] and not utf16:
            kind = "it holds binary data"
        decoded = None if kind else _decoded(data)
        if decoded is None:
            return "", f"the job posting is not text ({kind or 'no known text encoding'}): save it as plain text (.txt)"
        data = decoded
    if _looks_binary(data):
        return "", "the job posting is not text (it holds binary data): save it as plain text (.txt)"
    text = data.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return "", "the job posting is empty: paste the posting's text, or choose a .txt or .md file that holds it"
    if len(text) > MAX_POSTING_CHARS:
        return "", (
            f"the job posting is {len(text):,} characters long, more than {MAX_POSTING_CHARS:,}: "
            "paste the posting itself, without the rest of the page"
        )
    return text, None


def posting_problem(data: str | bytes) -> str | None:
    """Why ``data`` cannot be used as a job posting (one line naming the fix), or None when it can.

    Empty text, text over ``MAX_POSTING_CHARS`` characters, and files that are not text (PDF, Word, images,
    other binary data) are refused; bytes may be UTF-8, UTF-16 with a byte-order mark or Windows-1252.
    """
    return _text_or_problem(data)[1]


def posting_text(data: str | bytes) -> str:
    """The posting's text, decoded and with normalised line ends.

    Raises:
        ConfigurationError: with ``posting_problem``'s line, when the data cannot be a posting.
    """
    text, problem = _text_or_problem(data)
    if problem:
        raise ConfigurationError(problem)
    return text


def posting_sha256(text: str) -> str:
    """The hash a session stores for its posting (of the text as ``posting_text`` returns it)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_TITLE_LABEL = re.compile(r"^\s*(?:job\s+title|position|role|title|vacancy)\s*[:\-–—]\s*", re.IGNORECASE)


def posting_title(text: str) -> str:
    """The first line with words in it, without a 'Job title:' label or markup, at most ``TITLE_CHARS`` long."""
    for line in text.splitlines():
        line = _TITLE_LABEL.sub("", line.strip().lstrip("#*-• ").rstrip("*").strip())
        if re.search(r"\w", line):
            return line[:TITLE_CHARS].rstrip()
    return ""


def posting_excerpt(text: str) -> str:
    """The posting's opening words on one line, cut at a word with an ellipsis when longer than the excerpt."""
    flat = " ".join(text.split())
    if len(flat) <= EXCERPT_CHARS:
        return flat
    return flat[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"


# -- the candidate's corrections -------------------------------------------------------------------------------
EDITABLE: Final = ("is_data_engineering", "title", "skills", "level", "cloud", "technologies")


def corrected(profile: PostingProfile, changes: Mapping[str, object]) -> PostingProfile:
    """``profile`` with the candidate's ``changes`` (any of ``EDITABLE``), validated; skills given without a
    verdict decide it (no skills: not a data-engineering posting).

    Raises:
        ConfigurationError: a field that cannot be changed, or a value that does not fit it.
    """
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ConfigurationError(f"cannot change {unknown} of a posting: change only {', '.join(EDITABLE)}")
    values: dict[str, object] = {**profile.model_dump(), **changes, "corrected": True}
    if "skills" in changes and "is_data_engineering" not in changes:
        values["is_data_engineering"] = bool(changes["skills"])
    try:
        return PostingProfile.model_validate(values)
    except ValidationError as exc:
        brief = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'posting'}: {e['msg']}" for e in exc.errors()[:4])
        raise ConfigurationError(f"the corrected posting is not valid: {brief}") from exc


# -- fit to the posting ----------------------------------------------------------------------------------------
class SkillFit(BaseModel):
    """One skill the posting asks for, and how the candidate did on it."""

    model_config = ConfigDict(extra="forbid")

    skill: str
    title: str
    weight: float
    score: float | None  # mean of the scored answers on this skill; None when none was scored
    status: FitStatus


class PostingFit(BaseModel):
    """The report's "fit to the posting" section (data only)."""

    model_config = ConfigDict(extra="forbid")

    title: str
    sha256: str
    skills: list[SkillFit]  # the posting's skills, heaviest first
    covered: list[str]
    not_covered: list[str]
    coverage: float  # share of the posting's skill weight that has a score, 0-1
    fit_score: float | None  # weighted mean score over the covered skills
    practice_next: list[str]


_UNKNOWN_GAP: Final = 0.75  # an uncovered skill counts as three quarters of a complete gap


def _status(score: float | None, strong_at: float, weak_below: float) -> FitStatus:
    if score is None:
        return "not_covered"
    if score >= strong_at:
        return "strong"
    return "weak" if score < weak_below else "ok"


def _practice_line(fit: SkillFit, evidence: list[str]) -> str:
    asked = f" ({', '.join(evidence[:3])})" if evidence else ""
    if fit.score is None:
        return f"{fit.title}: the posting asks for it{asked} and this interview has not covered it yet"
    if fit.status == "weak":
        return f"{fit.title}: {fit.score:.1f}/10 on a skill the posting asks for{asked}; practise it next"
    return f"{fit.title}: {fit.score:.1f}/10; go one level deeper on what the posting asks for{asked}"


def posting_fit(
    profile: PostingProfile,
    skill_scores: Mapping[str, float],
    *,
    strong_at: float,
    weak_below: float,
    practice_limit: int = 3,
) -> PostingFit | None:
    """How the interview covered ``profile``'s skills (None for a posting with no data-engineering skill).

    Args:
        profile: the posting the interview followed.
        skill_scores: skill -> mean score (0-10) of the scored answers on it.
        strong_at: a score from which a skill counts as strong.
        weak_below: a score under which a skill counts as weak.
        practice_limit: at most this many lines of what to practise next, the largest weighted gaps first
            (an uncovered skill counts as ``_UNKNOWN_GAP`` of a full gap).
    """
    if not profile.is_data_engineering:
        return None
    order = sorted(profile.skills, key=lambda s: (-profile.skills[s], s))
    fits = [
        SkillFit(
            skill=s,
            title=SKILLS[s],
            weight=profile.skills[s],
            score=skill_scores.get(s),
            status=_status(skill_scores.get(s), strong_at, weak_below),
        )
        for s in order
    ]
    covered = [f for f in fits if f.score is not None]
    total = sum(f.weight for f in fits)
    covered_weight = sum(f.weight for f in covered)

    def gap(fit: SkillFit) -> float:
        missing = _UNKNOWN_GAP if fit.score is None else max(0.0, strong_at - fit.score) / strong_at
        return fit.weight * missing

    to_practise = sorted((f for f in fits if gap(f) > 0), key=lambda f: -gap(f))[:practice_limit]
    return PostingFit(
        title=profile.title,
        sha256=profile.sha256,
        skills=fits,
        covered=[f.skill for f in covered],
        not_covered=[f.skill for f in fits if f.score is None],
        coverage=round(covered_weight / total, 3) if total else 0.0,
        fit_score=round(sum(f.weight * (f.score or 0.0) for f in covered) / covered_weight, 2) if covered else None,
        practice_next=[_practice_line(f, profile.evidence.get(f.skill, [])) for f in to_practise],
    )


# -- the offline extractor's vocabulary ------------------------------------------------------------------------
# Regular expressions (case-insensitive; ``(?-i:...)`` where case tells a product from a word) matched between
# word boundaries, with how strongly each names the skill: 1 names it outright, 0.5 points at it, 0.2 only hints
# (three hints, or a hint beside a pointer, are needed). Where a word could belong to two
# skills, it goes where the bank's questions put it: e.g. Iceberg and Hudi under file formats and storage.
STRONG, WEAK, HINT = 1.0, 0.5, 0.2
SKILL_TERMS: Final[Mapping[str, Mapping[str, float]]] = MappingProxyType(
    {
        "sql": {
            r"(?-i:SQL)": STRONG,
            r"t-sql|pl/sql|sql server|postgres(?:ql)?|mysql|oracle database": STRONG,
            r"window functions?|common table expressions?|ctes?|group by|stored procedures?": STRONG,
            r"query (?:optimi[sz]ation|tuning|plans?)|execution plans?": STRONG,
            r"relational databases?|analytical queries|complex queries|joins": WEAK,
            r"dbt|(?-i:BigQuery)|(?-i:Snowflake)(?! schema)|(?-i:Redshift)|(?-i:Synapse)": HINT,
        },
        "data_modeling": {
            r"data model(?:l)?ing|dimensional model(?:l)?ing|data models?|model(?:l)?ing skills": STRONG,
            r"star schemas?|snowflake schemas?|kimball|inmon|data vault": STRONG,
            r"slowly changing dimensions?|scd(?: type \d)?s?|fact tables?|dimension tables?": STRONG,
            r"conformed dimensions?|surrogate keys?|schema design": STRONG,
            r"normali[sz]ation|denormali[sz](?:ed|ation)|semantic layer|metrics layer|entity[- ]relationship": WEAK,
            r"dbt models?|facts and dimensions|olap": WEAK,
            r"(?-i:dbt)|medallion": HINT,
        },
        "spark": {
            r"(?-i:Spark|spark)(?! Structured Streaming| streaming)|pyspark|spark sql|apache spark": STRONG,
            r"adaptive query execution|(?-i:AQE)|executors?|shuffles?|broadcast joins?|rdds?": STRONG,
            r"tun(?:e|ing) spark jobs|spark tuning": STRONG,
            r"spark structured streaming|structured streaming|spark streaming": WEAK,
            r"data skew|skew(?:ed)? joins?|(?-i:EMR)|dataproc|hdinsight|(?-i:Databricks)": HINT,
        },
        "delta_lake": {
            r"delta lake|delta tables?|delta format|delta sharing|uniform": STRONG,
            r"lakehouses?|time travel|z-?order(?:ing)?|liquid clustering|change data feed|deletion vectors": STRONG,
            r"(?-i:OPTIMIZE|VACUUM)|acid transactions|upserts?|(?-i:MERGE)(?: INTO)?|medallion": WEAK,
        },
        "databricks": {
            r"(?-i:Databricks|databricks)|unity catalog|delta live tables|(?-i:DLT)|lakeflow|photon": STRONG,
            r"databricks sql|(?-i:DBSQL)|asset bundles|(?-i:DABs?)|auto ?loader|databricks workflows": STRONG,
            r"mlflow|cluster policies|delta lake": HINT,
        },
        "streaming": {
            r"streaming|stream processing|streams|kafka|kinesis|event hubs?|pub/sub|pubsub|flink": STRONG,
            r"(?-i:MSK)|ksql(?:db)?|debezium|schema registry|watermark(?:s|ing)?|exactly[- ]once": STRONG,
            r"at[- ]least[- ]once|late[- ]arriving|late (?:data|events)|out[- ]of[- ]order|event[- ]time": STRONG,
            r"stateful|consumer (?:lag|groups?)|sliding windows?|tumbling windows?|pulsar|stream analytics": STRONG,
            r"real[- ]time|near[- ]real[- ]time|change data capture|(?-i:CDC)|low[- ]latency|event[- ]driven": WEAK,
            r"telemetry|iot|messaging systems?|message queues?|rabbitmq|events": HINT,
        },
        "orchestration": {
            r"orchestrat(?:e|ed|es|ing|ion|or|ors)|airflow|dagster|prefect|luigi|oozie|control-m": STRONG,
            r"cloud composer|(?-i:MWAA)|data factory|(?-i:ADF)|step functions|databricks workflows": STRONG,
            r"lakeflow jobs|databricks jobs|(?-i:DAGs?)|backfill(?:s|ing)?": STRONG,
            r"schedul(?:e|ed|es|ing) (?:the |our |your |all )?(?:jobs|pipelines|workflows|loads)": STRONG,
            r"scheduling|schedulers?|cron|workflows?|dependencies between (?:jobs|tasks)": WEAK,
        },
        "data_quality": {
            r"data quality|great expectations|(?-i:Soda)|dbt tests|data tests|data contracts?": STRONG,
            r"data observability|monte carlo|data validation|reconcil(?:e|es|ing|iation)|expectations": STRONG,
            r"quality checks|(?:automated|data) checks|freshness|write[- ]audit[- ]publish|quarantine": STRONG,
            r"anomal(?:y|ies)|completeness|schema (?:drift|changes)|row counts|nulls|duplicates": WEAK,
            r"(?:missing|duplicated?|incomplete|late) (?:records|rows|data)": WEAK,
            r"trusted (?:data|models)|data (?:sla|slas|slos)|(?:complete|correct) and (?:complete|correct)": WEAK,
            r"unit tests?|integration tests?|testing|tests|deduplicat(?:e|ion)": HINT,
        },
        "storage_formats": {
            r"parquet|avro|(?-i:ORC)|file formats?|columnar|iceberg|hudi|open table formats?|table formats?": STRONG,
            r"small files?|compression|codecs?|lifecycle (?:rules|policies)|storage (?:tiers|classes|layout)": STRONG,
            r"object storage|data lakes?(?! storage)|partition (?:columns|strategy|schemes?)|hdfs": WEAK,
            r"(?-i:S3)|adls(?: gen2)?|(?-i:GCS)|cloud storage|blob storage|csv|json|partitioning": HINT,
        },
        "system_design": {
            r"system design|data architecture|(?:platform|pipeline|solution|systems?) architecture": STRONG,
            r"design documents?|architecture (?:decisions|reviews)|distributed (?:data )?systems": STRONG,
            r"disaster recovery|recovery (?:point|time) objectives?|(?-i:RPO|RTO)|recovery objectives": STRONG,
            r"lambda architecture|kappa architecture|build[- ](?:versus|vs\.?|or)[- ]buy|reverse etl": STRONG,
            r"architecture (?:of|for)|reference architecture": STRONG,
            r"serving layers?|ingestion framework|end[- ]to[- ]end (?:design|ownership)": WEAK,
            r"design reviews?|trade-?offs|multi-tenant|at scale|high availability|migrat(?:e|ion|ing)": HINT,
            r"scalab(?:le|ility)|design and build|designing|architect(?:ure|ing|s)?": HINT,
        },
        "cost_performance": {
            r"cost optimi[sz]ation|finops|cloud (?:spend|costs?|bills?)|spend|cost attribution|chargeback": STRONG,
            r"reserved (?:capacity|instances)|spot instances|savings plans|right-?siz(?:e|ing)": STRONG,
            r"slot reservations": STRONG,
            r"performance tuning|optimi[sz]e (?:slow )?(?:queries|jobs|performance|costs?)": STRONG,
            r"costs?|cost-effective|autoscaling|cluster sizing|query performance|waste money|guardrails": WEAK,
            r"performance|budgets?|efficien(?:t|cy)": HINT,
        },
        "governance_security": {
            r"governance|access control|(?-i:RBAC|ABAC)|row-level security|column-level security": STRONG,
            r"least privilege|lake formation|purview|dataplex|(?-i:GDPR|HIPAA|PCI|SOX|SOC ?2)|(?-i:PII)": STRONG,
            r"personal data|sensitive data|compliance|encryption|(?:data )?masking|tokeni[sz]ation|lineage": STRONG,
            r"audit(?:ing| logs?)?|data classification|privacy|retention (?:policies|rules)|data sharing": STRONG,
            r"security|(?-i:IAM)|grants|permissions|secrets|key vault|unity catalog|catalogs?": WEAK,
        },
        "behavioral": {
            r"mentor(?:s|ing|ship)?|coach(?:es|ing)?|stakeholders?|cross-functional": STRONG,
            r"technical lead(?:er|ership)": STRONG,
            r"(?:excellent|strong|clear|good|written)(?: written)? communication|communication skills": STRONG,
            r"lead(?:ing)? (?:a )?(?:team|engineers)|leading (?:technical )?(?:decisions|teams)|influence": STRONG,
            r"collaborat(?:e|ive|ion)|partner with|on-call|post-incident|postmortems?|blameless|ownership": WEAK,
            r"explain (?:trade-?offs|technical)|present (?:findings|to)|work with (?:analysts|product|business)": WEAK,
            r"code reviews?|teamwork|team player|work in a team": HINT,
        },
    }
)
# A skill enters the profile once its evidence reaches this (one outright mention in the requirements).
SKILL_THRESHOLD: Final = 0.5

# Canonical product or language name -> the ways postings write it.
TECHNOLOGY_TERMS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "Python": r"python",
        "SQL": r"(?-i:SQL)",
        "Scala": r"scala",
        "Java": r"java(?!script)",
        "Kotlin": r"kotlin",
        "Go": r"golang|(?-i:Go)(?= (?:or|and)\b)|(?<=or )(?-i:Go)|(?<=and )(?-i:Go)",
        "Rust": r"(?-i:Rust)",
        "R": r"(?-i:R)(?= (?:or|and) (?:python|sql))",
        "Bash": r"bash",
        "Spark": r"(?:apache )?(?-i:Spark)",
        "PySpark": r"pyspark",
        "Spark SQL": r"spark sql",
        "Structured Streaming": r"(?:spark )?structured streaming",
        "Spark Streaming": r"spark streaming",
        "Kafka": r"(?:apache )?kafka(?! (?:streams|connect))",
        "Kafka Streams": r"kafka streams",
        "Kafka Connect": r"kafka connect",
        "Schema Registry": r"schema registry",
        "ksqlDB": r"ksql(?:db)?",
        "Flink": r"(?:apache )?flink",
        "Apache Beam": r"(?:apache )?beam",
        "Pulsar": r"pulsar",
        "RabbitMQ": r"rabbitmq",
        "Debezium": r"debezium",
        "Airflow": r"(?:apache )?airflow",
        "Dagster": r"dagster",
        "Prefect": r"(?-i:Prefect)",
        "Luigi": r"(?-i:Luigi)",
        "Oozie": r"oozie",
        "dbt": r"dbt(?: core| cloud)?",
        "Databricks": r"(?:azure )?databricks(?! (?:sql|workflows|asset bundles|certified))",
        "Databricks SQL": r"databricks sql|(?-i:DBSQL)",
        "Databricks Workflows": r"databricks workflows|lakeflow jobs",
        "Databricks Asset Bundles": r"(?:databricks )?asset bundles|(?-i:DABs)",
        "Lakeflow Declarative Pipelines": r"lakeflow declarative pipelines|delta live tables|(?-i:DLT)",
        "Unity Catalog": r"unity catalog",
        "Auto Loader": r"auto ?loader",
        "Photon": r"(?-i:Photon)",
        "MLflow": r"mlflow",
        "Delta Lake": r"delta lake|(?-i:Delta) tables?",
        "Iceberg": r"(?:apache )?iceberg",
        "Hudi": r"(?:apache )?hudi",
        "Parquet": r"parquet",
        "Avro": r"avro",
        "ORC": r"(?-i:ORC)",
        "Snowflake": r"(?-i:Snowflake)(?! schema)",
        "BigQuery": r"bigquery",
        "Redshift": r"(?:amazon )?redshift",
        "Azure Synapse": r"(?:azure )?synapse(?: analytics)?",
        "Microsoft Fabric": r"microsoft fabric|(?-i:Fabric)(?= (?:lakehouse|warehouse|notebooks))",
        "Trino": r"trino",
        "Presto": r"presto",
        "Athena": r"(?:amazon )?athena",
        "Hive": r"(?:apache )?hive(?! metastore)",
        "Hive Metastore": r"hive metastore",
        "Hadoop": r"hadoop",
        "HDFS": r"hdfs",
        "ClickHouse": r"clickhouse",
        "Druid": r"(?:apache )?druid",
        "Pinot": r"(?:apache )?pinot",
        "DuckDB": r"duckdb",
        "PostgreSQL": r"postgres(?:ql)?",
        "MySQL": r"mysql",
        "SQL Server": r"sql server",
        "Oracle": r"(?-i:Oracle)",
        "MongoDB": r"mongo(?:db)?",
        "Cassandra": r"cassandra",
        "DynamoDB": r"dynamodb",
        "Cosmos DB": r"cosmos ?db",
        "Bigtable": r"bigtable",
        "Elasticsearch": r"elasticsearch|opensearch",
        "Redis": r"redis",
        "S3": r"(?:amazon |aws )?(?-i:S3)",
        "AWS Glue": r"(?:aws )?(?-i:Glue)",
        "EMR": r"(?:amazon |aws )?(?-i:EMR)",
        "Kinesis": r"(?:amazon |aws )?kinesis(?: data streams| firehose)?",
        "Amazon MSK": r"(?:amazon )?(?-i:MSK)",
        "AWS Lambda": r"(?:aws )?(?-i:Lambda)(?! architecture)",
        "Step Functions": r"step functions",
        "Lake Formation": r"lake formation",
        "MWAA": r"(?-i:MWAA)",
        "SageMaker": r"sagemaker",
        "IAM": r"(?-i:IAM)",
        "ADLS": r"adls(?: gen ?2)?|azure data lake storage(?: gen ?2)?",
        "Azure Data Factory": r"(?:azure )?data factory|(?-i:ADF)",
        "Azure Event Hubs": r"(?:azure )?event hubs?",
        "Azure Stream Analytics": r"(?:azure )?stream analytics",
        "IoT Hub": r"iot hub",
        "Azure Key Vault": r"(?:azure )?key vault",
        "Azure DevOps": r"azure devops",
        "Purview": r"(?:microsoft )?purview",
        "Power BI": r"power ?bi",
        "Cloud Storage": r"(?:google )?cloud storage|(?-i:GCS)",
        "Dataflow": r"(?:google cloud )?(?-i:Dataflow)",
        "Pub/Sub": r"pub/?sub",
        "Dataproc": r"dataproc",
        "Cloud Composer": r"cloud composer",
        "Dataplex": r"dataplex",
        "Vertex AI": r"vertex ai",
        "Looker": r"looker(?! studio)",
        "Looker Studio": r"looker studio",
        "Tableau": r"tableau",
        "Fivetran": r"fivetran",
        "Airbyte": r"airbyte",
        "Great Expectations": r"great expectations",
        "Soda": r"(?-i:Soda)(?: core)?",
        "Monte Carlo": r"(?-i:Monte Carlo)(?! simulation)",
        "Terraform": r"terraform",
        "Docker": r"docker",
        "Kubernetes": r"kubernetes|(?-i:k8s|GKE|EKS|AKS)",
        "Git": r"(?-i:Git)(?!Hub|Lab)",
        "GitHub Actions": r"github actions",
        "GitLab CI": r"gitlab(?: ci)?",
        "Jenkins": r"jenkins",
        "CI/CD": r"ci/cd|continuous integration",
        "Linux": r"linux",
        "pandas": r"pandas",
        "Polars": r"polars",
        "scikit-learn": r"scikit-learn|sklearn",
        "Excel": r"(?-i:Excel)",
        "Prometheus": r"prometheus",
        "Grafana": r"grafana",
        "Datadog": r"datadog",
    }
)

# Cloud -> the names of that cloud and of its own services (a warehouse that runs on every cloud counts for none).
CLOUD_TERMS: Final[Mapping[PostingCloud, str]] = MappingProxyType(
    {
        "aws": (
            r"(?-i:AWS)|amazon web services|amazon (?:s3|redshift|msk|kinesis|emr|athena)|(?-i:S3)|redshift|"
            r"(?:aws )?(?-i:Glue)|(?-i:EMR)|athena|kinesis|(?-i:MSK)|lake formation|dynamodb|step functions|"
            r"sagemaker|(?-i:MWAA)|cloudwatch"
        ),
        "azure": (
            r"azure|(?-i:ADLS)|synapse|data factory|(?-i:ADF)|event hubs?|microsoft fabric|purview|entra|"
            r"cosmos ?db|(?-i:HDInsight)"
        ),
        "gcp": (
            r"(?-i:GCP)|google cloud(?: platform)?|bigquery|(?-i:Dataflow)|pub/?sub|dataproc|(?-i:GCS)|"
            r"cloud composer|bigtable|dataplex|vertex ai|spanner|(?-i:GKE)"
        ),
    }
)

# Seniority words in a job title, strongest first (a "Senior Staff" title is staff).
LEVEL_TITLE_TERMS: Final[tuple[tuple[PostingLevel, str], ...]] = (
    ("staff", r"staff|principal|distinguished|(?-i:IV)"),
    ("senior", r"senior|(?-i:Sr)\.?|lead|(?-i:III)"),
    ("junior", r"junior|(?-i:Jr)\.?|graduate|entry[- ]level|intern(?:ship)?|trainee|apprentice|associate"),
    ("mid", r"mid[- ]?level|intermediate|mid|(?-i:II)"),
)
# The same words in the body count only where they describe the hire ("as a senior engineer you ...").
LEVEL_BODY_TERMS: Final[tuple[tuple[PostingLevel, str], ...]] = (
    ("staff", r"(?:as|for|is|hiring|seeking|looking for) an? (?:staff|principal)"),
    ("senior", r"(?:as|for|is|hiring|seeking|looking for) an? (?:senior|lead)"),
    ("junior", r"recent graduates?|no (?:professional )?experience (?:is )?required|graduate programme|entry[- ]level"),
    ("mid", r"(?:as|for|is|hiring|seeking|looking for) an? mid[- ]level"),
)
# Years of experience asked for -> level: fewer than 2 junior, 2-4 mid, 5-7 senior, 8 or more staff.
LEVEL_BY_YEARS: Final[tuple[tuple[int, PostingLevel], ...]] = ((8, "staff"), (5, "senior"), (2, "mid"), (0, "junior"))

# A title naming a data-engineering job, and one naming another job (a title with neither says nothing).
DATA_ENGINEERING_TITLE: Final = (
    r"data (?:engineer|engineering|platform|architect|infrastructure|integration|warehouse|ops|pipeline)|"
    r"analytics engineer|etl|elt|big data|streaming (?:data )?engineer|lakehouse|databricks|spark|"
    r"data developer|bi (?:engineer|developer)|dataops|data reliability"
)
OTHER_TITLE: Final = (
    r"front[- ]?end|back[- ]?end|full[- ]?stack|mobile|ios|android|web developer|designer|ux|ui|marketing|sales|"
    r"account (?:manager|executive)|recruiter|nurse|teacher|accountant|lawyer|data scien(?:ce|tist)|"
    r"product (?:manager|owner)|project manager|customer (?:success|support)|qa|test engineer|game|"
    r"site reliability|sre|security engineer|network engineer|embedded|firmware|hr|finance|operations manager"
)
# Body phrases that place the job in data engineering whatever its title says.
DATA_ENGINEERING_BODY: Final = (
    r"data engineer(?:s|ing)?|data pipelines?|etl|elt|data platforms?|lakehouse|data warehouses?|"
    r"ingestion pipelines?|data products?"
)
