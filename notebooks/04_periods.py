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
# # Before and after Covid-19
#
# Reviews of incidents before and from the first Covid-19 lockdown (23 March 2020) compared, with exact tests and intervals suited to small numbers, and trends over the years.
#
# *Cymharu adolygiadau o ddigwyddiadau cyn ac o'r cyfyngiadau symud cyntaf oherwydd Covid-19 (23 Mawrth 2020), gyda phrofion manwl a chyfyngau sy'n addas i niferoedd bach, a thueddiadau dros y blynyddoedd.*
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
                      suppress=SUPPRESS, output_dir=OUTPUT_DIR, notebook="04_periods", codebook=CODEBOOK,
                      restricted=RESTRICTED)
rep.intro(cprstats.t("notebook.04_periods", LANG))

# %%
rep.heading("periods")

# %% [markdown] tags=["lang-en"]
# This notebook compares the periods, so it uses every period of the region, whatever period the rest of the report covers.

# %% [markdown] tags=["lang-cy"]
# Mae'r llyfr nodiadau hwn yn cymharu'r cyfnodau, felly mae'n defnyddio pob cyfnod o'r rhanbarth, pa gyfnod bynnag y mae gweddill yr adroddiad yn ei gwmpasu.

# %% [markdown] tags=["lang-en"]
# The share of children with each characteristic in each period. The difference is in percentage points with Newcombe's score interval; p-values are from Fisher's exact test, adjusted for the number of comparisons with Holm's method.

# %% [markdown] tags=["lang-cy"]
# Cyfran y plant â phob nodwedd ym mhob cyfnod. Mae'r gwahaniaeth mewn pwyntiau canran gyda chyfwng sgôr Newcombe; daw'r gwerthoedd-p o brawf manwl Fisher, wedi'u haddasu ar gyfer nifer y cymariaethau gyda dull Holm.

# %%
by_period = cprstats.proportions(rep.region_data, ["outcome", "large_sibling_group", "parental_substance_misuse", "parental_adversities_all_three"], by="period")
rep.figure(by_period.query("variable == 'outcome'"), name="outcome_by_period", kind="grouped_bar")

# %%
changes = cprstats.compare(rep.region_data, ["outcome", "large_sibling_group", "parental_substance_misuse", "parental_adversities_all_three",
                                     "harm_experienced", "child_vulnerabilities", "parental_risks"], by="period")
rep.figure(changes, name="changes_by_period", kind="forest")

# %%
rep.comparison(changes, name="changes_by_period")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
rep.key_figures(by_period.query("variable == 'outcome'"))

# %%
rep.heading("themes_by_period")

# %% [markdown] tags=["lang-en"]
# The themes before and from Covid-19.

# %% [markdown] tags=["lang-cy"]
# Y themâu cyn ac o Covid-19 ymlaen.

# %%
themes = cprstats.proportions(rep.region_data, ["themes"], by="period")
rep.figure(themes, name="themes_by_period", kind="grouped_bar")

# %%
rep.table(themes, name="themes_by_period")

# %%
rep.heading("trends")

# %% [markdown] tags=["lang-en"]
# Trends over the incident years: the Cochran-Armitage test for a linear trend in each share.

# %% [markdown] tags=["lang-cy"]
# Tueddiadau dros flynyddoedd y digwyddiadau: prawf Cochran-Armitage ar gyfer tuedd linol ym mhob cyfran.

# %%
trends = cprstats.trend(rep.region_data, ["outcome", "parental_substance_misuse", "parental_adversities_all_three"])
rep.comparison(trends, name="trends")
