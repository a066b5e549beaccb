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
# # Children and families
#
# The children the reviews were about, their families, what happened, and the risks around them: the descriptives of the all-Wales thematic analysis (McManus et al. 2023).
#
# *Y plant yr oedd yr adolygiadau amdanynt, eu teuluoedd, beth ddigwyddodd, a'r risgiau o'u cwmpas.*
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
                      suppress=SUPPRESS, output_dir=OUTPUT_DIR, notebook="01_children_and_families", codebook=CODEBOOK,
                      restricted=RESTRICTED)
rep.intro(cprstats.t("notebook.01_children_and_families", LANG))

# %% [markdown] tags=["lang-en"]
# Each figure and table below is a share of the subject children whose review recorded the item: a review that did not record it is left out of that denominator, and every table states its denominator.

# %% [markdown] tags=["lang-cy"]
# Mae pob ffigur a thabl isod yn gyfran o'r plant dan sylw y cofnododd eu hadolygiad yr eitem: gadewir adolygiad na chofnododd yr eitem allan o'r enwadur hwnnw, ac mae pob tabl yn nodi ei enwadur.

# %%
rep.heading("children")

# %% [markdown] tags=["lang-en"]
# How old the children were when the incident happened, in the thematic review's age bands. Age in months is never shown: only the bands are.

# %% [markdown] tags=["lang-cy"]
# Pa mor hen oedd y plant pan ddigwyddodd y digwyddiad, ym mandiau oedran yr adolygiad thematig. Ni ddangosir oed mewn misoedd byth: dim ond y bandiau.

# %%
ages = cprstats.proportions(rep.data, ["age_band_mcmanus"])
rep.figure(ages, name="age_bands")

# %%
child = cprstats.proportions(rep.data, ["age_band_mcmanus", "age_band_england", "sex", "ethnicity", "disability"])
rep.table(child, name="children")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
rep.key_figures(ages)

# %%
rep.heading("family")

# %% [markdown] tags=["lang-en"]
# Brothers and sisters, half-siblings included. Whether the child was the youngest is counted only for children with siblings whose birth position is known.

# %% [markdown] tags=["lang-cy"]
# Brodyr a chwiorydd, gan gynnwys hanner brodyr a chwiorydd. Dim ond ar gyfer plant â brodyr a chwiorydd y mae eu safle geni'n hysbys y cyfrifir a oedd y plentyn yr ieuengaf.

# %%
family = cprstats.proportions(rep.data, ["has_siblings", "has_half_siblings", "large_sibling_group", "youngest", "birth_position"])
rep.table(family, name="family")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
rep.key_figures(family.query("variable != 'birth_position'"))

# %%
rep.heading("incidents")

# %% [markdown] tags=["lang-en"]
# What happened to the child, the kind of incident, and the kind of review it led to.

# %% [markdown] tags=["lang-cy"]
# Beth ddigwyddodd i'r plentyn, y math o ddigwyddiad, a'r math o adolygiad a ddilynodd.

# %%
incidents = cprstats.proportions(rep.data, ["incident_type"])
rep.figure(incidents, name="incident_types", sort="estimate")

# %%
outcomes = cprstats.proportions(rep.data, ["outcome", "review_type", "incident_type"])
rep.table(outcomes, name="incidents")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
rep.key_figures(outcomes.query("variable == 'outcome'"))

# %%
rep.heading("vulnerabilities")

# %% [markdown] tags=["lang-en"]
# Harm the child experienced (abuse, neglect, exploitation), and the child's own vulnerabilities. A review can record several, so the percentages can add up to more than 100.

# %% [markdown] tags=["lang-cy"]
# Niwed a brofodd y plentyn (cam-drin, esgeulustod, camfanteisio), a bregusrwydd y plentyn ei hun. Gall adolygiad gofnodi sawl un, felly gall y canrannau adio i fwy na 100.

# %%
vulnerabilities = cprstats.proportions(rep.data, ["harm_experienced", "child_vulnerabilities"])
rep.figure(vulnerabilities, name="child_vulnerabilities", sort="estimate")

# %%
rep.table(vulnerabilities, name="child_vulnerabilities")

# %%
rep.heading("parental_risks")

# %% [markdown] tags=["lang-en"]
# Risk factors of the parents and carers, and how often three parental adversities were recorded together: domestic abuse, mental ill-health and substance use.

# %% [markdown] tags=["lang-cy"]
# Ffactorau risg y rhieni a'r gofalwyr, a pha mor aml y cofnodwyd tri adfyd rhiant gyda'i gilydd: cam-drin domestig, salwch meddwl a defnydd o sylweddau.

# %%
risks = cprstats.proportions(rep.data, ["parental_risks", "parental_substance_misuse", "parental_adversities_all_three"])
rep.figure(risks.query("variable == 'parental_risks'"), name="parental_risks", sort="estimate")

# %%
rep.table(risks, name="parental_risks")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
rep.key_figures(risks.query("variable != 'parental_risks'"))
