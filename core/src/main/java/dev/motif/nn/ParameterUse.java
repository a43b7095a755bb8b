package dev.motif.nn;

/** One site where a parameter is used: its dotted path in the module tree, and the parameter. */
public record ParameterUse(String path, Parameter parameter) {}
