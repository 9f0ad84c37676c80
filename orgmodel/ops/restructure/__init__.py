"""Restructuring: merge, split, function transfer and township templates, all settled
through :mod:`.settlement` so that nothing a body holds vanishes. (The op modules are
imported by :mod:`orgmodel.ops`.)"""
