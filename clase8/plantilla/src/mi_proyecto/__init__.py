"""Mi proyecto: reemplazar por una frase que diga qué problema resuelve y para quién."""

__version__ = "0.1.0"
