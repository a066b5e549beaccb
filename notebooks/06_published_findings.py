# ---
# jupyter:
#   cprstats:
#     welsh_prose: awaiting a translator's review
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: cprstats
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["remove-cell"]
# # Published findings
#
# Every published figure beside the figure computed from the data, and Wales beside England's benchmarks.
#
# *Pob ffigur cyhoeddedig wrth ymyl y ffigur a gyfrifwyd o'r data, a Chymru wrth ymyl meincnodau Lloegr.*
#
# Run it for a region and period with `cprstats run --region MWW --period post_covid --lang cy`; the parameters are in the next cell. **The shipped data is synthetic and describes no real child.**

# %% tags=["parameters", "remove-cell"]
DATA = "wales"        # a shipped example name, a coded dataset CSV, or coding forms (CSV, XLSX, YAML folder)
REGION = "wales"      # "wales" or a board: NWSB, MWW, WGSB, CTM, CAV, GWENT
PERIOD = "all"        # "all", "pre_covid" or "post_covid"
WINDOW = None        # None, or a window of months: "2017-01..2021-12", "fy2019", "2019", "cpr_era", "susr_era"
ANCHOR = "incident"  # the date a window is read on: "incident" or "publication"
LANG = "en"           # "en" or "cy"
THRESHOLD = 5         # counts from 1 to THRESHOLD - 1 are suppressed below all-Wales
SUPPRESS = None       # None: the default policy; False: an analyst's explicit, recorded opt-out
RESTRICTED = False    # True: unsuppressed, marked OFFICIAL-SENSITIVE, for a closed meeting (cprstats run --restricted)
OUTPUT_DIR = "."      # where this notebook writes its figures/, tables/ and report.json
CODEBOOK = None       # None: the packaged codebook; or the path of a researcher's own codebook YAML

# %% tags=["injected-parameters"]
# Parameters
DATA = "wales"
LANG = "en"
OUTPUT_DIR = "../outputs/wales/all"
PERIOD = "all"
REGION = "wales"
SUPPRESS = None
THRESHOLD = 5

# %% tags=["remove-cell"]
import cprstats

# %%
rep = cprstats.Report(data=DATA, region=REGION, period=PERIOD, window=WINDOW, anchor=ANCHOR, lang=LANG, threshold=THRESHOLD,
                      suppress=SUPPRESS, output_dir=OUTPUT_DIR, notebook="06_published_findings", codebook=CODEBOOK,
                      restricted=RESTRICTED)
rep.intro(cprstats.t("notebook.06_published_findings", LANG))

# %%
rep.heading("published")

# %% [markdown] tags=["lang-en"]
# The all-Wales thematic analysis of 33 CPRs (McManus, Ball and Almond 2023), as reported in the source training deck: each statement, the published figure, the figure computed from the reviews flagged as in that sample, and whether they agree within the stated tolerance (a verbal fraction such as "two thirds" agrees when the computed share is nearest that fraction).

# %% [markdown] tags=["lang-cy"]
# Dadansoddiad thematig Cymru gyfan o 33 Adolygiad Ymarfer Plant (McManus, Ball ac Almond 2023), fel y'i hadroddwyd yn y cyflwyniad hyfforddi: pob datganiad, y ffigur cyhoeddedig, y ffigur a gyfrifwyd o'r adolygiadau sydd wedi'u nodi yn y sampl honno, ac a ydynt yn cytuno o fewn y goddefiant a nodwyd.

# %%
rep.published("mcmanus_2023", name="published_mcmanus_2023")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
rep.published_lines("mcmanus_2023")

# %% [markdown] tags=["lang-en"]
# The Mid and West Wales review of 4 MAPFs and 7 CPRs, 2017 to 2021.

# %% [markdown] tags=["lang-cy"]
# Adolygiad Canolbarth a Gorllewin Cymru o 4 Fforwm Proffesiynol Amlasiantaethol a 7 Adolygiad Ymarfer Plant, 2017 i 2021.

# %%
rep.published("mww_2017_2021", name="published_mww_2017_2021")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
rep.published_lines("mww_2017_2021")

# %%
rep.heading("england")

# %% [markdown] tags=["lang-en"]
# Wales beside England's verified benchmark figures (serious case review analyses and serious incident notifications). These are different systems, periods and definitions: the comparison is for context, with no verdict.

# %% [markdown] tags=["lang-cy"]
# Cymru wrth ymyl ffigurau meincnod dilysedig Lloegr (dadansoddiadau adolygiadau achos difrifol a hysbysiadau digwyddiadau difrifol). Systemau, cyfnodau a diffiniadau gwahanol yw'r rhain: mae'r gymhariaeth er mwyn cyd-destun, heb ddyfarniad.

# %%
rep.published("england", name="england_benchmarks")
