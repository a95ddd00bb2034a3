from . import domain
