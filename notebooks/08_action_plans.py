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
# # Recommendations and action plans
#
# What the reviews recommended, to whom, at what level, and what became of it in the boards' action plans: how long recommendations took to close, and which themes boards recommended again in their next plan.
#
# *Beth a argymhellodd yr adolygiadau, i bwy, ar ba lefel, a beth a ddigwyddodd iddo yng nghynlluniau gweithredu'r byrddau.*
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
AS_AT = None          # the month the action plans are "as at" (YYYY-MM); None: the latest month in the data

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
                      suppress=SUPPRESS, output_dir=OUTPUT_DIR, notebook="08_action_plans",
                      restricted=RESTRICTED)
rep.intro(cprstats.t("notebook.08_action_plans", LANG))
recs = load_linked(DATA, "recommendations", region=REGION, period=PERIOD, reviews=rep.wales_data_all_periods)

# %% [markdown] tags=["lang-en"]
# Report recommendations inform a regional action plan, approved by the review panel and the board, monitored by the practice review sub group, and formally closed by the Executive Board. Every table below counts recommendations, not children or reviews, and states its denominator.

# %% [markdown] tags=["lang-cy"]
# Mae argymhellion adroddiadau'n llywio cynllun gweithredu rhanbarthol, a gymeradwyir gan banel yr adolygiad a'r bwrdd, a fonitrir gan yr is-grŵp adolygu ymarfer, ac a gaiff ei gau'n ffurfiol gan y Bwrdd Gweithredol. Mae pob tabl isod yn cyfrif argymhellion, nid plant nac adolygiadau, ac yn nodi ei enwadur.

# %%
rep.heading("recommendations")

# %% [markdown] tags=["lang-en"]
# Whether each recommendation is for local agencies, the regional board or Wales as a whole, where it stands in the action plan, whether it was carried into a later plan, and the evidence that it made a difference.

# %% [markdown] tags=["lang-cy"]
# A yw pob argymhelliad ar gyfer asiantaethau lleol, y bwrdd rhanbarthol neu Gymru gyfan, ble mae yn y cynllun gweithredu, a gafodd ei gario i gynllun diweddarach, a'r dystiolaeth iddo wneud gwahaniaeth.

# %%
plans = survival.recommendation_counts(recs, ["level", "status", "closed", "carried_forward", "impact_evidence"])
views.linked_table(rep, plans, name="recommendations", table="recommendations")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
views.linked_key_figures(rep, plans.query("variable in ['level', 'closed']"), table="recommendations")

# %% [markdown] tags=["lang-en"]
# The themes the recommendations answer, and the agencies they ask to act. A recommendation can name several, so the percentages can add up to more than 100.

# %% [markdown] tags=["lang-cy"]
# Y themâu y mae'r argymhellion yn ymateb iddynt, a'r asiantaethau y maent yn gofyn iddynt weithredu. Gall argymhelliad enwi sawl un, felly gall y canrannau adio i fwy na 100.

# %%
themes = survival.recommendation_counts(recs, ["rec_themes"])
views.linked_figure(rep, themes, name="recommendation_themes", table="recommendations", sort="estimate")

# %%
agencies = survival.recommendation_counts(recs, ["agencies_addressed"])
views.linked_table(rep, agencies, name="agencies_addressed", table="recommendations")

# %%
by_level = survival.recommendation_counts(recs, ["agencies_addressed"], by="level", overall=False)
views.crosstab_figure(rep, by_level, name="agencies_by_level", table="recommendations", by="level")

# %%
rep.heading("time_to_closure")

# %% [markdown] tags=["lang-en"]
# How long recommendations stayed open, from the month the board approved them to the month they were completed or closed. A recommendation still open is counted up to the "as at" month and no further (Kaplan-Meier); the band is the 95% confidence interval. Below all-Wales, times are grouped so that no step of the curve rests on a small number.

# %% [markdown] tags=["lang-cy"]
# Am ba mor hir yr arhosodd argymhellion ar agor, o'r mis y gwnaeth y bwrdd eu cymeradwyo hyd at y mis y cawsant eu cwblhau neu eu cau. Cyfrifir argymhelliad sy'n dal ar agor hyd at y mis "fel ag yr oedd" a dim pellach (Kaplan-Meier); y band yw'r cyfwng hyder 95%. O dan lefel Cymru gyfan, grwpir amseroedd fel nad oes unrhyw gam yn y gromlin yn dibynnu ar nifer fach.

# %%
closure = survival.closure_times(recs, as_at=AS_AT)
km = survival.kaplan_meier(closure)
median = survival.km_median(closure)
views.survival_figure(rep, km, name="time_to_closure", table="recommendations")

# %%
views.survival_table(rep, km, median, name="time_to_closure", table="recommendations")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
views.survival_lines(rep, km, median)

# %%
closure_by_level = survival.closure_times(recs, as_at=AS_AT, by="level")
km_level = survival.kaplan_meier(closure_by_level)
views.survival_figure(rep, km_level, name="time_to_closure_by_level", table="recommendations")

# %%
views.survival_table(
    rep, km_level, survival.km_median(closure_by_level), name="time_to_closure_by_level", table="recommendations"
)

# %%
rep.heading("recurring")

# %% [markdown] tags=["lang-en"]
# New action plans are drafted with the previous plans in mind. A theme *recurs* in a board when its next action plan recommends it again: the number of boards (with two or more plans) where each theme did.

# %% [markdown] tags=["lang-cy"]
# Caiff cynlluniau gweithredu newydd eu drafftio gan ystyried y cynlluniau blaenorol. Mae thema'n *codi eto* mewn bwrdd pan fo ei gynllun gweithredu nesaf yn ei hargymell eto: nifer y byrddau (gyda dau gynllun neu fwy) lle digwyddodd hynny i bob thema.

# %%
recurring = survival.recurring_themes(recs, by="board")
views.linked_table(rep, survival.recurring_counts(recurring), name="recurring_themes", table="recommendations",
                   caption=cprstats.t("caption.recurring", LANG))
