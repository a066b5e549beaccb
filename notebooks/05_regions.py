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
# # Regions
#
# The six regional safeguarding boards side by side, and a chosen region against the rest of Wales.
#
# *Y chwe bwrdd diogelu rhanbarthol ochr yn ochr, a rhanbarth a ddewiswyd o'i gymharu â gweddill Cymru.*
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
                      suppress=SUPPRESS, output_dir=OUTPUT_DIR, notebook="05_regions", codebook=CODEBOOK,
                      restricted=RESTRICTED)
rep.intro(cprstats.t("notebook.05_regions", LANG))

# %%
rep.heading("boards")

# %% [markdown] tags=["lang-en"]
# Reviews by board. Board tables are suppressed like any table below all-Wales: counts from 1 to 4 are hidden, with secondary suppression.

# %% [markdown] tags=["lang-cy"]
# Adolygiadau fesul bwrdd. Caiff tablau byrddau eu hatal fel unrhyw dabl islaw Cymru gyfan: cuddir niferoedd o 1 i 4, gydag ataliad eilaidd.

# %%
boards = cprstats.proportions(rep.wales_data, ["outcome", "review_type"], by="board")
rep.figure(boards.query("variable == 'review_type'"), name="review_types_by_board", kind="grouped_bar")

# %%
rep.table(boards, name="boards")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
rep.key_figures(boards.query("variable == 'review_type'"), by="board")

# %%
rep.heading("region_vs_rest")

# %% [markdown] tags=["lang-en"]
# The chosen region against the rest of Wales (for the all-Wales report: every board against the others, with an exact test across the six boards).

# %% [markdown] tags=["lang-cy"]
# Y rhanbarth a ddewiswyd o'i gymharu â gweddill Cymru (ar gyfer yr adroddiad Cymru gyfan: pob bwrdd o'i gymharu â'r lleill, gyda phrawf manwl ar draws y chwe bwrdd).

# %%
against_rest = rep.compare_region(["outcome", "large_sibling_group", "parental_substance_misuse", "parental_adversities_all_three"])
rep.comparison(against_rest, name="region_vs_rest")
