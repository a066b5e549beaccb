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
# # Agencies
#
# Which agencies were involved with the child and family, and whose good practice the reviews noted.
#
# *Pa asiantaethau a oedd yn ymwneud â'r plentyn a'r teulu, ac arfer da pwy a nododd yr adolygiadau.*
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
                      suppress=SUPPRESS, output_dir=OUTPUT_DIR, notebook="02_agencies", codebook=CODEBOOK,
                      restricted=RESTRICTED)
rep.intro(cprstats.t("notebook.02_agencies", LANG))

# %%
rep.heading("agencies")

# %% [markdown] tags=["lang-en"]
# Agencies involved with the child or family in the period each review looked at, as a share of the reviews that recorded the agencies involved.

# %% [markdown] tags=["lang-cy"]
# Asiantaethau a oedd yn ymwneud â'r plentyn neu'r teulu yn y cyfnod yr edrychodd pob adolygiad arno, fel cyfran o'r adolygiadau a gofnododd yr asiantaethau dan sylw.

# %%
involved = cprstats.proportions(rep.data, ["agencies_involved"])
rep.figure(involved, name="agencies_involved", sort="estimate")

# %%
rep.table(involved, name="agencies_involved")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
rep.key_figures(involved)

# %%
rep.heading("good_practice")

# %% [markdown] tags=["lang-en"]
# Good practice the reviews noted, by agency: schools' pastoral support and referrals, health visitors' and midwives' vigilance, police escalation, and social services' assessments were among the examples in the all-Wales thematic analysis.

# %% [markdown] tags=["lang-cy"]
# Arfer da a nododd yr adolygiadau, fesul asiantaeth: roedd cymorth bugeiliol ac atgyfeiriadau ysgolion, gwyliadwriaeth ymwelwyr iechyd a bydwragedd, uwchgyfeirio gan yr heddlu, ac asesiadau'r gwasanaethau cymdeithasol ymhlith yr enghreifftiau yn y dadansoddiad thematig Cymru gyfan.

# %%
good = cprstats.proportions(rep.data, ["good_practice"])
rep.figure(good, name="good_practice", sort="estimate")

# %%
rep.table(good, name="good_practice")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
rep.key_figures(good)
