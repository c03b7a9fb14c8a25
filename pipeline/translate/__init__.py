"""Translate stage: the sources of English a build can use, each speaking ``model.EnglishSource``.

- ``local``: the Argos package on CTranslate2 in this process (``Translator``), with
  ``layouts``, the thread layout it measures once per model and machine;
- ``cluster``: the same package on the workers of a Dask cluster (``ClusterTranslator``).

The next one (human English aligned to the German) goes here too.
"""
