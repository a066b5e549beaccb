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
# # The review process
#
# From referral to publication: how many referrals led to a review, of which kind, how the reviews were carried out (panel, family's and child's contribution, learning event, chronology, genogram), and how long they took to publish.
#
# *O'r atgyfeiriad hyd at gyhoeddi: faint o atgyfeiriadau a arweiniodd at adolygiad, o ba fath, sut y cynhaliwyd yr adolygiadau, a pha mor hir y cymerodd hi i'w cyhoeddi.*
#
# Run it for a region and period with `cprstats run --region MWW --period post_covid --lang cy`; the parameters are in the next cell. **The shipped data is synthetic and describes no real child, review or board decision.**

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
AS_AT = None          # the month the data are "as at" (YYYY-MM); None: the latest month in the data

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
from cprstats.datasets.linked import load_linked
from cprstats.report import linked_views as views
from cprstats.stats import survival

# %%
rep = cprstats.Report(data=DATA, region=REGION, period=PERIOD, window=WINDOW, anchor=ANCHOR, lang=LANG, threshold=THRESHOLD,
                      suppress=SUPPRESS, output_dir=OUTPUT_DIR, notebook="09_review_process",
                      restricted=RESTRICTED)
rep.intro(cprstats.t("notebook.09_review_process", LANG))
process = load_linked(DATA, "process", region=REGION, period=PERIOD, reviews=rep.wales_data_all_periods)

# %% [markdown] tags=["lang-en"]
# A case is referred to the board's practice review sub group, which decides whether the criteria for a concise or extended Child Practice Review are met, or whether a Multi-Agency Professional Forum or no review is right. These tables count referrals (one row each), including those that led to no review.

# %% [markdown] tags=["lang-cy"]
# Caiff achos ei atgyfeirio i is-grŵp adolygu ymarfer y bwrdd, sy'n penderfynu a yw meini prawf Adolygiad Ymarfer Plant cryno neu estynedig wedi'u bodloni, neu a yw Fforwm Proffesiynol Amlasiantaethol neu ddim adolygiad yn briodol. Mae'r tablau hyn yn cyfrif atgyfeiriadau (un rhes yr un), gan gynnwys y rhai na arweiniodd at adolygiad.

# %%
rep.heading("decisions")

# %%
funnel = survival.decision_funnel(process)
views.funnel_figure(rep, funnel, name="decision_funnel")

# %%
views.linked_table(rep, funnel, name="decisions", table="process")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
views.linked_key_figures(rep, funnel, table="process")

# %%
reasons = survival.process_counts(process, ["no_review_reason"], reviewed_only=False)
views.linked_table(
    rep, reasons, name="no_review_reasons", table="process", caption=cprstats.t("caption.no_review_reasons", LANG)
)

# %%
rep.heading("conduct")

# %% [markdown] tags=["lang-en"]
# How the reviews were carried out: a panel, a combined multi-agency chronology and a genogram, the family's and the child's part in the review, and a learning event with the practitioners involved. The denominator is the referrals that led to a review.

# %% [markdown] tags=["lang-cy"]
# Sut y cynhaliwyd yr adolygiadau: panel, cronoleg amlasiantaethol gyfunol a genogram, rhan y teulu a'r plentyn yn yr adolygiad, a digwyddiad dysgu gyda'r ymarferwyr dan sylw. Yr enwadur yw'r atgyfeiriadau a arweiniodd at adolygiad.

# %%
conduct = survival.process_counts(process, ["panel_held", "chronology_present", "genogram_present", "family_contribution",
                                            "child_contribution", "learning_event_held"])
views.linked_table(rep, conduct, name="conduct", table="process")

# %%
attending = survival.process_counts(process, ["event_agencies"])
views.linked_figure(rep, attending, name="learning_event_agencies", table="process", sort="estimate")

# %%
rep.heading("time_to_publication")

# %% [markdown] tags=["lang-en"]
# How long reviews took from referral to publication (concise and extended CPRs and SUSRs: MAPFs are not published). A review not yet published is counted up to the "as at" month and no further (Kaplan-Meier); the band is the 95% confidence interval.

# %% [markdown] tags=["lang-cy"]
# Pa mor hir y cymerodd adolygiadau o'r atgyfeiriad hyd at gyhoeddi (Adolygiadau Ymarfer Plant cryno ac estynedig ac Adolygiadau Diogelu Unedig Sengl: ni chyhoeddir Fforymau). Cyfrifir adolygiad sydd heb ei gyhoeddi eto hyd at y mis "fel ag yr oedd" a dim pellach (Kaplan-Meier); y band yw'r cyfwng hyder 95%.

# %%
publication = survival.publication_times(process, as_at=AS_AT)
km = survival.kaplan_meier(publication)
median = survival.km_median(publication)
views.survival_figure(rep, km, name="time_to_publication", table="process")

# %%
views.survival_table(rep, km, median, name="time_to_publication", table="process")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
views.survival_lines(rep, km, median)
