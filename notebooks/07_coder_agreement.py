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
# # Agreement between coders
#
# How far two coders agree on each variable of a double-coded sample: percent agreement, Cohen's kappa with its interval, PABAK and Krippendorff's alpha, and the disagreements to take to a consensus meeting.
#
# *Faint y mae dau godiwr yn cytuno ar bob newidyn mewn sampl a godwyd ddwywaith.*
#
# Run it for a region and period with `cprstats run --region MWW --period post_covid --lang cy`; the parameters are in the next cell. **The shipped data is synthetic and describes no real child.**

# %% tags=["parameters", "remove-cell"]
CODER_A = "double_coding_a"   # coder A: forms, a coded dataset, or a shipped example name
CODER_B = "double_coding_b"   # coder B
LANG = "en"
CI_LEVEL = 0.95
OUTPUT_DIR = "."
CODEBOOK = None               # None: the packaged codebook; or the path of a researcher's own codebook YAML
CODERS = None                 # `cprstats run --coders A B [C..]`: the codings (CODER_A, CODER_B are the first two)
RESTRICTED = False            # True: a restricted run, marked OFFICIAL-SENSITIVE (cprstats run --restricted)

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
rep = cprstats.Report(data=CODER_A, lang=LANG, output_dir=OUTPUT_DIR, notebook="07_coder_agreement", codebook=CODEBOOK,
                      restricted=RESTRICTED)
rep.intro(cprstats.t("notebook.07_coder_agreement", LANG))

# %%
rep.heading("agreement")

# %% [markdown] tags=["lang-en"]
# Agreement per variable and per option of each multi-response variable. Kappa can be low when agreement is high if a code is rare or very common (the kappa paradox); PABAK adjusts for that, so read them together.

# %% [markdown] tags=["lang-cy"]
# Cytundeb fesul newidyn a fesul opsiwn pob newidyn ymateb lluosog. Gall kappa fod yn isel pan fo cytundeb yn uchel os yw cod yn brin neu'n gyffredin iawn (paradocs kappa); mae PABAK yn addasu ar gyfer hynny, felly darllenwch nhw gyda'i gilydd.

# %%
agree = cprstats.agreement(CODER_A, CODER_B, ci_level=CI_LEVEL, codebook=CODEBOOK)
rep.agreement_table(agree, name="agreement")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
rep.agreement_lines(agree)

# %% [markdown] tags=["lang-en"]
# The disagreements to resolve, review by review (written in full to the tables folder).

# %% [markdown] tags=["lang-cy"]
# Yr anghytundebau i'w datrys, fesul adolygiad (wedi'u hysgrifennu'n llawn i'r ffolder tablau).

# %%
rep.disagreements(cprstats.disagreements(CODER_A, CODER_B, codebook=CODEBOOK), name="disagreements")
