"""Write the notebooks in notebooks/ from the cell lists below (unexecuted).

The notebooks are the project's source; this script is how they were written, kept so that a
change to their shared shape (the parameters cell, the opening cells) is made once. After
running it, `cprstats reproduce` executes them with their default parameters and commits the
executed copies' outputs in place (deterministic, so nbval can compare them).

Conventions (checked by tests/test_notebooks.py):
- a code cell tagged ``parameters``; no ``def`` or ``class`` anywhere;
- prose in both languages: markdown cells tagged ``lang-en`` and ``lang-cy`` (the HTML
  report keeps only its own language);
- cells for notebook readers only are tagged ``remove-cell`` (not in the report);
- cells that print key figures for nbval start with ``# NBVAL_CHECK_OUTPUT`` and are
  tagged ``remove-cell``.

    python tools/build_notebooks.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat import v4

ROOT = Path(__file__).resolve().parents[1]

PARAMETERS = """\
DATA = "wales"        # a shipped example name, a coded dataset CSV, or coding forms (CSV, XLSX, YAML folder)
REGION = "wales"      # "wales" or a board: NWSB, MWW, WGSB, CTM, CAV, GWENT
PERIOD = "all"        # "all", "pre_covid" or "post_covid"
LANG = "en"           # "en" or "cy"
THRESHOLD = 5         # counts from 1 to THRESHOLD - 1 are suppressed below all-Wales
SUPPRESS = None       # None: the default policy; False: an analyst's explicit, recorded opt-out
OUTPUT_DIR = "."      # where this notebook writes its figures/, tables/ and report.json"""


def about(name: str, en: str, cy: str) -> dict:
    text = (
        f"# {name}\n\n{en}\n\n*{cy}*\n\n"
        "Run it for a region and period with `cprstats run --region MWW --period post_covid --lang cy`; "
        "the parameters are in the next cell. **The shipped data is synthetic and describes no real child.**"
    )
    return v4.new_markdown_cell(text, metadata={"tags": ["remove-cell"]})


def prose(en: str, cy: str) -> list:
    return [
        v4.new_markdown_cell(en, metadata={"tags": ["lang-en"]}),
        v4.new_markdown_cell(cy, metadata={"tags": ["lang-cy"]}),
    ]


def code(src: str, *tags: str) -> dict:
    meta = {"tags": list(tags)} if tags else {}
    return v4.new_code_cell(src, metadata=meta)


def check(src: str) -> dict:
    return code("# NBVAL_CHECK_OUTPUT\n" + src, "remove-cell")


def opening(slug: str, name: str, en: str, cy: str) -> list:
    return [
        about(name, en, cy),
        code(PARAMETERS, "parameters", "remove-cell"),
        code("import cprstats", "remove-cell"),
        code(
            f"rep = cprstats.Report(data=DATA, region=REGION, period=PERIOD, lang=LANG, threshold=THRESHOLD,\n"
            f'                      suppress=SUPPRESS, output_dir=OUTPUT_DIR, notebook="{slug}")\n'
            f'rep.intro(cprstats.t("notebook.{slug}", LANG))'
        ),
    ]


NOTEBOOKS: dict[str, list] = {}

# --------------------------------------------------------------------------- 01
NOTEBOOKS["01_children_and_families"] = [
    *opening(
        "01_children_and_families",
        "Children and families",
        "The children the reviews were about, their families, what happened, and the risks around them: "
        "the descriptives of the all-Wales thematic analysis (McManus et al. 2023).",
        "Y plant yr oedd yr adolygiadau amdanynt, eu teuluoedd, beth ddigwyddodd, a'r risgiau o'u cwmpas.",
    ),
    *prose(
        "Each figure and table below is a share of the subject children whose review recorded the item: "
        "a review that did not record it is left out of that denominator, and every table states its denominator.",
        "Mae pob ffigur a thabl isod yn gyfran o'r plant dan sylw y cofnododd eu hadolygiad yr eitem: "
        "gadewir adolygiad na chofnododd yr eitem allan o'r enwadur hwnnw, ac mae pob tabl yn nodi ei enwadur.",
    ),
    code('rep.heading("children")'),
    *prose(
        "How old the children were when the incident happened, in the thematic review's age bands. "
        "Age in months is never shown: only the bands are.",
        "Pa mor hen oedd y plant pan ddigwyddodd y digwyddiad, ym mandiau oedran yr adolygiad thematig. "
        "Ni ddangosir oed mewn misoedd byth: dim ond y bandiau.",
    ),
    code('ages = cprstats.proportions(rep.data, ["age_band_mcmanus"])\nrep.figure(ages, name="age_bands")'),
    code(
        'child = cprstats.proportions(rep.data, ["age_band_mcmanus", "age_band_england", "sex", "ethnicity", "disability"])\n'
        'rep.table(child, name="children")'
    ),
    check("rep.key_figures(ages)"),
    code('rep.heading("family")'),
    *prose(
        "Brothers and sisters, half-siblings included. Whether the child was the youngest is counted only "
        "for children with siblings whose birth position is known.",
        "Brodyr a chwiorydd, gan gynnwys hanner brodyr a chwiorydd. Dim ond ar gyfer plant â brodyr a chwiorydd "
        "y mae eu safle geni'n hysbys y cyfrifir a oedd y plentyn yr ieuengaf.",
    ),
    code(
        'family = cprstats.proportions(rep.data, ["has_siblings", "has_half_siblings", "large_sibling_group", "youngest", "birth_position"])\n'
        'rep.table(family, name="family")'
    ),
    check("rep.key_figures(family.query(\"variable != 'birth_position'\"))"),
    code('rep.heading("incidents")'),
    *prose(
        "What happened to the child, the kind of incident, and the kind of review it led to.",
        "Beth ddigwyddodd i'r plentyn, y math o ddigwyddiad, a'r math o adolygiad a ddilynodd.",
    ),
    code(
        'incidents = cprstats.proportions(rep.data, ["incident_type"])\n'
        'rep.figure(incidents, name="incident_types", sort="estimate")'
    ),
    code(
        'outcomes = cprstats.proportions(rep.data, ["outcome", "review_type", "incident_type"])\n'
        'rep.table(outcomes, name="incidents")'
    ),
    check("rep.key_figures(outcomes.query(\"variable == 'outcome'\"))"),
    code('rep.heading("vulnerabilities")'),
    *prose(
        "The child's own vulnerabilities. A review can record several, so the percentages can add up to more than 100.",
        "Bregusrwydd y plentyn ei hun. Gall adolygiad gofnodi sawl un, felly gall y canrannau adio i fwy na 100.",
    ),
    code(
        'vulnerabilities = cprstats.proportions(rep.data, ["child_vulnerabilities"])\n'
        'rep.figure(vulnerabilities, name="child_vulnerabilities", sort="estimate")'
    ),
    code('rep.table(vulnerabilities, name="child_vulnerabilities")'),
    code('rep.heading("parental_risks")'),
    *prose(
        'Risk factors of the parents and carers, and the "toxic trio": parental substance misuse, '
        "mental health problems and domestic abuse.",
        "Ffactorau risg y rhieni a'r gofalwyr, a'r \"triawd gwenwynig\": camddefnyddio sylweddau gan rieni, "
        "problemau iechyd meddwl a cham-drin domestig.",
    ),
    code(
        'risks = cprstats.proportions(rep.data, ["parental_risks", "parental_substance_misuse", "toxic_trio"])\n'
        'rep.figure(risks.query("variable == \'parental_risks\'"), name="parental_risks", sort="estimate")'
    ),
    code('rep.table(risks, name="parental_risks")'),
    check("rep.key_figures(risks.query(\"variable != 'parental_risks'\"))"),
]

# --------------------------------------------------------------------------- 02
NOTEBOOKS["02_agencies"] = [
    *opening(
        "02_agencies",
        "Agencies",
        "Which agencies were involved with the child and family, and whose good practice the reviews noted.",
        "Pa asiantaethau a oedd yn ymwneud â'r plentyn a'r teulu, ac arfer da pwy a nododd yr adolygiadau.",
    ),
    code('rep.heading("agencies")'),
    *prose(
        "Agencies involved with the child or family in the period each review looked at, as a share of the "
        "reviews that recorded the agencies involved.",
        "Asiantaethau a oedd yn ymwneud â'r plentyn neu'r teulu yn y cyfnod yr edrychodd pob adolygiad arno, "
        "fel cyfran o'r adolygiadau a gofnododd yr asiantaethau dan sylw.",
    ),
    code(
        'involved = cprstats.proportions(rep.data, ["agencies_involved"])\n'
        'rep.figure(involved, name="agencies_involved", sort="estimate")'
    ),
    code('rep.table(involved, name="agencies_involved")'),
    check("rep.key_figures(involved)"),
    code('rep.heading("good_practice")'),
    *prose(
        "Good practice the reviews noted, by agency: schools' pastoral support and referrals, health visitors' and "
        "midwives' vigilance, police escalation, and social services' assessments were among the examples in the "
        "all-Wales thematic analysis.",
        "Arfer da a nododd yr adolygiadau, fesul asiantaeth: roedd cymorth bugeiliol ac atgyfeiriadau ysgolion, "
        "gwyliadwriaeth ymwelwyr iechyd a bydwragedd, uwchgyfeirio gan yr heddlu, ac asesiadau'r gwasanaethau "
        "cymdeithasol ymhlith yr enghreifftiau yn y dadansoddiad thematig Cymru gyfan.",
    ),
    code(
        'good = cprstats.proportions(rep.data, ["good_practice"])\n'
        'rep.figure(good, name="good_practice", sort="estimate")'
    ),
    code('rep.table(good, name="good_practice")'),
    check("rep.key_figures(good)"),
]

# --------------------------------------------------------------------------- 03
NOTEBOOKS["03_themes_and_learning"] = [
    *opening(
        "03_themes_and_learning",
        "Themes and learning",
        "The themes the reviews share, the learning points they draw, how often each occurs and which occur together.",
        "Y themâu sy'n gyffredin i'r adolygiadau, y pwyntiau dysgu a dynnir ganddynt, pa mor aml y mae pob un yn "
        "digwydd a pha rai sy'n digwydd gyda'i gilydd.",
    ),
    code('rep.heading("themes")'),
    *prose(
        "The five emerging themes of the Mid and West Wales review (advocacy and empowerment, individual and "
        "structural; communication; escalation; recording; the voice of the child) and the Cardiff University "
        "analysis's themes (hierarchy of knowledge, information sharing, partial assessment).",
        "Pum thema newydd adolygiad Canolbarth a Gorllewin Cymru (eiriolaeth a grymuso, unigol a strwythurol; "
        "cyfathrebu; uwchgyfeirio; cofnodi; llais y plentyn) a themâu dadansoddiad Prifysgol Caerdydd "
        "(hierarchaeth gwybodaeth, rhannu gwybodaeth, asesiad rhannol).",
    ),
    code('themes = cprstats.proportions(rep.data, ["themes"])\nrep.figure(themes, name="themes", sort="estimate")'),
    code('rep.table(themes, name="themes")'),
    check("rep.key_figures(themes)"),
    *prose(
        "Which themes occur together: each cell is the share of the reviews with the row's theme that also have "
        "the column's theme.",
        "Pa themâu sy'n digwydd gyda'i gilydd: mae pob cell yn gyfran o'r adolygiadau â thema'r rhes sydd hefyd "
        "â thema'r golofn.",
    ),
    code(
        'together = cprstats.report.figures.cooccurrence(rep.data, "themes")\n'
        'rep.figure(together, name="themes_together", kind="heatmap")'
    ),
    code('rep.heading("learning")'),
    *prose(
        "The seven learning points of the all-Wales thematic analysis: threshold uncertainty, the child's voice, "
        'multi-agency collaboration, professional curiosity, missed health appointments ("was not brought"), '
        "disguised compliance and reliance on self-report, and workforce challenges.",
        "Saith pwynt dysgu'r dadansoddiad thematig Cymru gyfan: ansicrwydd ynghylch trothwyon, llais y plentyn, "
        "cydweithio amlasiantaethol, chwilfrydedd proffesiynol, apwyntiadau iechyd a gollwyd, cydymffurfiaeth "
        "gudd a dibyniaeth ar hunan-adrodd, a heriau'r gweithlu.",
    ),
    code(
        'learning = cprstats.proportions(rep.data, ["learning_points"])\n'
        'rep.figure(learning, name="learning_points", sort="estimate")'
    ),
    code('rep.table(learning, name="learning_points")'),
    check("rep.key_figures(learning)"),
    code('rep.heading("covid")'),
    *prose(
        "How the Covid-19 pandemic affected the cases, for the reviews that recorded it (mostly incidents from "
        "23 March 2020).",
        "Sut yr effeithiodd pandemig Covid-19 ar yr achosion, ar gyfer yr adolygiadau a'i cofnododd (digwyddiadau "
        "o 23 Mawrth 2020 yn bennaf).",
    ),
    code('covid = cprstats.proportions(rep.data, ["covid_factors"])\nrep.table(covid, name="covid_factors")'),
]

# --------------------------------------------------------------------------- 04
NOTEBOOKS["04_periods"] = [
    *opening(
        "04_periods",
        "Before and after Covid-19",
        "Reviews of incidents before and from the first Covid-19 lockdown (23 March 2020) compared, with exact "
        "tests and intervals suited to small numbers, and trends over the years.",
        "Cymharu adolygiadau o ddigwyddiadau cyn ac o'r cyfyngiadau symud cyntaf oherwydd Covid-19 (23 Mawrth "
        "2020), gyda phrofion manwl a chyfyngau sy'n addas i niferoedd bach, a thueddiadau dros y blynyddoedd.",
    ),
    code('rep.heading("periods")'),
    *prose(
        "This notebook compares the periods, so it uses every period of the region, whatever period the rest of "
        "the report covers.",
        "Mae'r llyfr nodiadau hwn yn cymharu'r cyfnodau, felly mae'n defnyddio pob cyfnod o'r rhanbarth, pa gyfnod "
        "bynnag y mae gweddill yr adroddiad yn ei gwmpasu.",
    ),
    *prose(
        "The share of children with each characteristic in each period. The difference is in percentage points with "
        "Newcombe's score interval; p-values are from Fisher's exact test, adjusted for the number of comparisons "
        "with Holm's method.",
        "Cyfran y plant â phob nodwedd ym mhob cyfnod. Mae'r gwahaniaeth mewn pwyntiau canran gyda chyfwng sgôr "
        "Newcombe; daw'r gwerthoedd-p o brawf manwl Fisher, wedi'u haddasu ar gyfer nifer y cymariaethau gyda "
        "dull Holm.",
    ),
    code(
        'by_period = cprstats.proportions(rep.region_data, ["outcome", "large_sibling_group", "parental_substance_misuse", "toxic_trio"], by="period")\n'
        'rep.figure(by_period.query("variable == \'outcome\'"), name="outcome_by_period", kind="grouped_bar")'
    ),
    code(
        'changes = cprstats.compare(rep.region_data, ["outcome", "large_sibling_group", "parental_substance_misuse", "toxic_trio",\n'
        '                                     "child_vulnerabilities", "parental_risks"], by="period")\n'
        'rep.figure(changes, name="changes_by_period", kind="forest")'
    ),
    code('rep.comparison(changes, name="changes_by_period")'),
    check("rep.key_figures(by_period.query(\"variable == 'outcome'\"))"),
    code('rep.heading("themes_by_period")'),
    *prose("The themes before and from Covid-19.", "Y themâu cyn ac o Covid-19 ymlaen."),
    code(
        'themes = cprstats.proportions(rep.region_data, ["themes"], by="period")\n'
        'rep.figure(themes, name="themes_by_period", kind="grouped_bar")'
    ),
    code('rep.table(themes, name="themes_by_period")'),
    code('rep.heading("trends")'),
    *prose(
        "Trends over the incident years: the Cochran-Armitage test for a linear trend in each share.",
        "Tueddiadau dros flynyddoedd y digwyddiadau: prawf Cochran-Armitage ar gyfer tuedd linol ym mhob cyfran.",
    ),
    code(
        'trends = cprstats.trend(rep.region_data, ["outcome", "parental_substance_misuse", "toxic_trio"])\n'
        'rep.comparison(trends, name="trends")'
    ),
]

# --------------------------------------------------------------------------- 05
NOTEBOOKS["05_regions"] = [
    *opening(
        "05_regions",
        "Regions",
        "The six regional safeguarding boards side by side, and a chosen region against the rest of Wales.",
        "Y chwe bwrdd diogelu rhanbarthol ochr yn ochr, a rhanbarth a ddewiswyd o'i gymharu â gweddill Cymru.",
    ),
    code('rep.heading("boards")'),
    *prose(
        "Reviews by board. Board tables are suppressed like any table below all-Wales: counts from 1 to 4 are "
        "hidden, with secondary suppression.",
        "Adolygiadau fesul bwrdd. Caiff tablau byrddau eu hatal fel unrhyw dabl islaw Cymru gyfan: cuddir niferoedd "
        "o 1 i 4, gydag ataliad eilaidd.",
    ),
    code(
        'boards = cprstats.proportions(rep.wales_data, ["outcome", "review_type"], by="board")\n'
        'rep.figure(boards.query("variable == \'review_type\'"), name="review_types_by_board", kind="grouped_bar")'
    ),
    code('rep.table(boards, name="boards")'),
    check('rep.key_figures(boards.query("variable == \'review_type\'"), by="board")'),
    code('rep.heading("region_vs_rest")'),
    *prose(
        "The chosen region against the rest of Wales (for the all-Wales report: every board against the others, "
        "with an exact test across the six boards).",
        "Y rhanbarth a ddewiswyd o'i gymharu â gweddill Cymru (ar gyfer yr adroddiad Cymru gyfan: pob bwrdd o'i "
        "gymharu â'r lleill, gyda phrawf manwl ar draws y chwe bwrdd).",
    ),
    code(
        'against_rest = rep.compare_region(["outcome", "large_sibling_group", "parental_substance_misuse", "toxic_trio"])\n'
        'rep.comparison(against_rest, name="region_vs_rest")'
    ),
]

# --------------------------------------------------------------------------- 06
NOTEBOOKS["06_published_findings"] = [
    *opening(
        "06_published_findings",
        "Published findings",
        "Every published figure beside the figure computed from the data, and Wales beside England's benchmarks.",
        "Pob ffigur cyhoeddedig wrth ymyl y ffigur a gyfrifwyd o'r data, a Chymru wrth ymyl meincnodau Lloegr.",
    ),
    code('rep.heading("published")'),
    *prose(
        "The all-Wales thematic analysis of 33 CPRs (McManus, Ball and Almond 2023), as reported in the source "
        "training deck: each statement, the published figure, the figure computed from the reviews flagged as in "
        'that sample, and whether they agree within the stated tolerance (a verbal fraction such as "two thirds" '
        "agrees when the computed share is nearest that fraction).",
        "Dadansoddiad thematig Cymru gyfan o 33 Adolygiad Ymarfer Plant (McManus, Ball ac Almond 2023), fel y'i "
        "hadroddwyd yn y cyflwyniad hyfforddi: pob datganiad, y ffigur cyhoeddedig, y ffigur a gyfrifwyd o'r "
        "adolygiadau sydd wedi'u nodi yn y sampl honno, ac a ydynt yn cytuno o fewn y goddefiant a nodwyd.",
    ),
    code('rep.published("mcmanus_2023", name="published_mcmanus_2023")'),
    check('rep.published_lines("mcmanus_2023")'),
    *prose(
        "The Mid and West Wales review of 4 MAPFs and 7 CPRs, 2017 to 2021.",
        "Adolygiad Canolbarth a Gorllewin Cymru o 4 Fforwm Proffesiynol Amlasiantaethol a 7 Adolygiad Ymarfer Plant, "
        "2017 i 2021.",
    ),
    code('rep.published("mww_2017_2021", name="published_mww_2017_2021")'),
    check('rep.published_lines("mww_2017_2021")'),
    code('rep.heading("england")'),
    *prose(
        "Wales beside England's verified benchmark figures (serious case review analyses and serious incident "
        "notifications). These are different systems, periods and definitions: the comparison is for context, with "
        "no verdict.",
        "Cymru wrth ymyl ffigurau meincnod dilysedig Lloegr (dadansoddiadau adolygiadau achos difrifol a hysbysiadau "
        "digwyddiadau difrifol). Systemau, cyfnodau a diffiniadau gwahanol yw'r rhain: mae'r gymhariaeth er mwyn "
        "cyd-destun, heb ddyfarniad.",
    ),
    code('rep.published("england", name="england_benchmarks")'),
]

# --------------------------------------------------------------------------- 07
NOTEBOOKS["07_coder_agreement"] = [
    about(
        "Agreement between coders",
        "How far two coders agree on each variable of a double-coded sample: percent agreement, Cohen's kappa "
        "with its interval, PABAK and Krippendorff's alpha, and the disagreements to take to a consensus meeting.",
        "Faint y mae dau godiwr yn cytuno ar bob newidyn mewn sampl a godwyd ddwywaith.",
    ),
    code(
        'CODER_A = "double_coding_a"   # coder A: forms, a coded dataset, or a shipped example name\n'
        'CODER_B = "double_coding_b"   # coder B\n'
        'LANG = "en"\n'
        "CI_LEVEL = 0.95\n"
        'OUTPUT_DIR = "."',
        "parameters",
        "remove-cell",
    ),
    code("import cprstats", "remove-cell"),
    code(
        'rep = cprstats.Report(data=CODER_A, lang=LANG, output_dir=OUTPUT_DIR, notebook="07_coder_agreement")\n'
        'rep.intro(cprstats.t("notebook.07_coder_agreement", LANG))'
    ),
    code('rep.heading("agreement")'),
    *prose(
        "Agreement per variable and per option of each multi-response variable. Kappa can be low when agreement is "
        "high if a code is rare or very common (the kappa paradox); PABAK adjusts for that, so read them together.",
        "Cytundeb fesul newidyn a fesul opsiwn pob newidyn ymateb lluosog. Gall kappa fod yn isel pan fo cytundeb "
        "yn uchel os yw cod yn brin neu'n gyffredin iawn (paradocs kappa); mae PABAK yn addasu ar gyfer hynny, "
        "felly darllenwch nhw gyda'i gilydd.",
    ),
    code(
        'agree = cprstats.agreement(CODER_A, CODER_B, ci_level=CI_LEVEL)\nrep.agreement_table(agree, name="agreement")'
    ),
    check("rep.agreement_lines(agree)"),
    *prose(
        "The disagreements to resolve, review by review (written in full to the tables folder).",
        "Yr anghytundebau i'w datrys, fesul adolygiad (wedi'u hysgrifennu'n llawn i'r ffolder tablau).",
    ),
    code('rep.disagreements(cprstats.disagreements(CODER_A, CODER_B), name="disagreements")'),
]


def build(names=None) -> list[Path]:
    written = []
    for name, cells in NOTEBOOKS.items():
        if names and name not in names:
            continue
        nb = v4.new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        nb.metadata["cprstats"] = {
            "welsh_prose": "awaiting a translator's review",
            "built_by": "tools/build_notebooks.py",
        }
        path = ROOT / "notebooks" / f"{name}.ipynb"
        nbformat.write(nb, path)
        written.append(path)
    return written


if __name__ == "__main__":
    for p in build(sys.argv[1:]):
        print(p.relative_to(ROOT))
