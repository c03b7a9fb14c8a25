"""Translate stage: the sources of English a build can use, each speaking ``model.EnglishSource``.

- ``local``: the Argos package on CTranslate2 in this process (``Translator``), with
  ``layouts``, the thread layout it measures once per model and machine;
- ``cluster``: the same package on the workers of a Dask cluster (``ClusterTranslator``);
- ``absent``: no model, for documents that bring their own English (``NoModel``).

Existing English is aligned to the German by ``pipeline.align.beads``; these sources translate
only what it leaves out.
"""
