package dev.motif.fit;

import java.util.ArrayList;
import java.util.List;

/**
 * Which columns of the data files a fit reads.
 *
 * @param x          one column per model variable, in the model's order ({@code --x t})
 * @param y          the observed values ({@code --y})
 * @param sigma      standard deviations of y, or null ({@code --sigma})
 * @param by         a column that splits one file into datasets, or null ({@code --by})
 * @param covariates columns constant within each dataset that the model reads (e.g. {@code I})
 * @param groups     columns that label groups of datasets for group-shared parameters ({@code --group k=sample} reads {@code sample})
 * @param dropNan    leave out rows with an empty, NaN or infinite cell in a used numeric column (and count them) instead of failing
 */
public record DataColumns(List<String> x, String y, String sigma, String by, List<String> covariates, List<String> groups, boolean dropNan) {

    public DataColumns {
        if (x == null || x.isEmpty()) throw new IllegalArgumentException("DataColumns: at least one x column is needed");
        if (y == null) throw new IllegalArgumentException("DataColumns: a y column is needed");
        x = List.copyOf(x);
        covariates = List.copyOf(covariates);
        groups = List.copyOf(groups);
    }

    /** x and y columns only; add the rest with the {@code with*} methods. */
    public static DataColumns of(List<String> x, String y) {
        return new DataColumns(x, y, null, null, List.of(), List.of(), false);
    }

    /** The columns a model and a parameter spec need: the model's covariates and the spec's group columns. */
    public static DataColumns forFit(Model model, ParameterSpec spec, List<String> x, String y) {
        if (x.size() != model.variables().size()) {
            throw new IllegalArgumentException("DataColumns: the model has variables " + model.variables() + " but " + x.size()
                    + " x columns were given " + x);
        }
        return new DataColumns(x, y, null, null, model.covariates(), new ArrayList<>(spec.groupColumns()), false);
    }

    public DataColumns withSigma(String column) {
        return new DataColumns(x, y, column, by, covariates, groups, dropNan);
    }

    public DataColumns withBy(String column) {
        return new DataColumns(x, y, sigma, column, covariates, groups, dropNan);
    }

    public DataColumns withCovariates(List<String> columns) {
        return new DataColumns(x, y, sigma, by, columns, groups, dropNan);
    }

    public DataColumns withGroups(List<String> columns) {
        return new DataColumns(x, y, sigma, by, covariates, columns, dropNan);
    }

    public DataColumns withDropNan(boolean drop) {
        return new DataColumns(x, y, sigma, by, covariates, groups, drop);
    }
}
