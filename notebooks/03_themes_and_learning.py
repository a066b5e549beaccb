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
# # Themes and learning
#
# The themes the reviews share, the learning points they draw, how often each occurs and which occur together.
#
# *Y themâu sy'n gyffredin i'r adolygiadau, y pwyntiau dysgu a dynnir ganddynt, pa mor aml y mae pob un yn digwydd a pha rai sy'n digwydd gyda'i gilydd.*
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
                      suppress=SUPPRESS, output_dir=OUTPUT_DIR, notebook="03_themes_and_learning", codebook=CODEBOOK,
                      restricted=RESTRICTED)
rep.intro(cprstats.t("notebook.03_themes_and_learning", LANG))

# %%
rep.heading("themes")

# %% [markdown] tags=["lang-en"]
# The five emerging themes of the Mid and West Wales review (advocacy and empowerment, individual and structural; communication; escalation; recording; the voice of the child) and the Cardiff University analysis's themes (hierarchy of knowledge, information sharing, partial assessment).

# %% [markdown] tags=["lang-cy"]
# Pum thema newydd adolygiad Canolbarth a Gorllewin Cymru (eiriolaeth a grymuso, unigol a strwythurol; cyfathrebu; uwchgyfeirio; cofnodi; llais y plentyn) a themâu dadansoddiad Prifysgol Caerdydd (hierarchaeth gwybodaeth, rhannu gwybodaeth, asesiad rhannol).

# %%
themes = cprstats.proportions(rep.data, ["themes"])
rep.figure(themes, name="themes", sort="estimate")

# %%
rep.table(themes, name="themes")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
rep.key_figures(themes)

# %% [markdown] tags=["lang-en"]
# Which themes occur together: each cell is the share of the reviews with the row's theme that also have the column's theme.

# %% [markdown] tags=["lang-cy"]
# Pa themâu sy'n digwydd gyda'i gilydd: mae pob cell yn gyfran o'r adolygiadau â thema'r rhes sydd hefyd â thema'r golofn.

# %%
together = cprstats.figures.cooccurrence(rep.data, "themes")
rep.figure(together, name="themes_together", kind="heatmap")

# %%
rep.heading("learning")

# %% [markdown] tags=["lang-en"]
# The seven learning points of the all-Wales thematic analysis: threshold uncertainty, the child's voice, multi-agency collaboration, professional curiosity, missed health appointments ("was not brought"), disguised compliance and reliance on self-report, and workforce challenges.

# %% [markdown] tags=["lang-cy"]
# Saith pwynt dysgu'r dadansoddiad thematig Cymru gyfan: ansicrwydd ynghylch trothwyon, llais y plentyn, cydweithio amlasiantaethol, chwilfrydedd proffesiynol, apwyntiadau iechyd a gollwyd, cydymffurfiaeth gudd a dibyniaeth ar hunan-adrodd, a heriau'r gweithlu.

# %%
learning = cprstats.proportions(rep.data, ["learning_points"])
rep.figure(learning, name="learning_points", sort="estimate")

# %%
rep.table(learning, name="learning_points")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
rep.key_figures(learning)

# %%
rep.heading("covid")

# %% [markdown] tags=["lang-en"]
# How the Covid-19 pandemic affected the cases, for the reviews that recorded it (mostly incidents from 23 March 2020).

# %% [markdown] tags=["lang-cy"]
# Sut yr effeithiodd pandemig Covid-19 ar yr achosion, ar gyfer yr adolygiadau a'i cofnododd (digwyddiadau o 23 Mawrth 2020 yn bennaf).

# %%
covid = cprstats.proportions(rep.data, ["covid_factors"])
rep.table(covid, name="covid_factors")
