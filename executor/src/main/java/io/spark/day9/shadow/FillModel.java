package io.spark.day9.shadow;

import io.spark.day9.market.PriceLevel;
import io.spark.day9.shadow.OrderRequest.Side;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * How a shadow order fills against the local order book. Pure functions over a book copy.
 *
 * <h2>Taking liquidity (MARKET, and the marketable part of a LIMIT)</h2>
 * The order walks the opposite side from the best level, taking each level's whole displayed
 * quantity until its own is done, stopping at the limit price if it has one. Each level taken is
 * one fill at that level's price; the average is the VWAP. What the displayed depth cannot fill
 * is not filled (a MARKET order then ends EXPIRED with a partial fill, as on Binance). The shadow
 * book is not moved by the order: a second order an instant later sees the same depth (the real
 * book has not changed either), which over-fills bursts of large orders; see docs/shadow.md.
 *
 * <h2>Resting (the part of a GTC LIMIT that did not cross)</h2>
 * Queue position: the order joins the back of its price level, behind the displayed quantity
 * there at arrival ({@code queueAhead}; 0 when it sets a new best price or the level was
 * empty). Then, on every update:
 * <ol>
 *   <li>the displayed quantity at its price shrinking below {@code queueAhead} moves it up
 *       (cancellations and fills ahead of it);</li>
 *   <li>a trade at its price whose taker came from the other side (a sell hitting bids for a
 *       BUY) first consumes {@code queueAhead}, and what is left of the trade fills the order
 *       (partially, maybe);</li>
 *   <li>a trade through its price (below a resting BUY, above a resting SELL), or the opposite
 *       best crossing it, means every order at that price traded: the rest fills at once.</li>
 * </ol>
 * Resting fills are at the order's own price and pay the maker fee.
 */
public final class FillModel {
    private FillModel() {
    }

    /** One fill: a price and a quantity. */
    public record Fill(BigDecimal price, BigDecimal qty) {
    }

    /**
     * Walks {@code opposite} (asks for a BUY, bids for a SELL, best first).
     *
     * @param limit null for MARKET; otherwise levels beyond it are not taken
     */
    public static List<Fill> take(Side side, BigDecimal qty, BigDecimal limit,
                                  List<PriceLevel> opposite) {
        List<Fill> fills = new ArrayList<>();
        BigDecimal left = qty;
        for (PriceLevel l : opposite) {
            if (left.signum() <= 0) {
                break;
            }
            if (limit != null && !crosses(side, limit, l.price())) {
                break;
            }
            BigDecimal q = l.qty().min(left);
            if (q.signum() > 0) {
                fills.add(new Fill(l.price(), q));
                left = left.subtract(q);
            }
        }
        return fills;
    }

    /** Quantity available on {@code opposite} at prices the limit accepts. */
    public static BigDecimal available(Side side, BigDecimal limit, List<PriceLevel> opposite) {
        BigDecimal sum = BigDecimal.ZERO;
        for (PriceLevel l : opposite) {
            if (!crosses(side, limit, l.price())) {
                break;
            }
            sum = sum.add(l.qty());
        }
        return sum;
    }

    /** True when a BUY at {@code limit} would trade with an ask at {@code price} (or a SELL
     *  with a bid). */
    public static boolean crosses(Side side, BigDecimal limit, BigDecimal price) {
        int c = price.compareTo(limit);
        return side == Side.BUY ? c <= 0 : c >= 0;
    }

    /** The displayed quantity at exactly {@code price} on {@code own} side (0 when none). */
    public static BigDecimal displayedAt(BigDecimal price, List<PriceLevel> own) {
        for (PriceLevel l : own) {
            if (l.price().compareTo(price) == 0) {
                return l.qty();
            }
        }
        return BigDecimal.ZERO;
    }

    public static BigDecimal sumQty(List<Fill> fills) {
        return fills.stream().map(Fill::qty).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Volume-weighted average price, or null without fills. */
    public static BigDecimal vwap(List<Fill> fills) {
        BigDecimal qty = sumQty(fills);
        if (qty.signum() == 0) {
            return null;
        }
        BigDecimal quote = fills.stream().map(f -> f.price().multiply(f.qty()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        return quote.divide(qty, MathContext.DECIMAL64).stripTrailingZeros();
    }

    /**
     * Slippage of {@code price} against {@code reference} in basis points, positive when worse
     * for the order (paid more on a BUY, received less on a SELL).
     */
    public static double slippageBps(Side side, BigDecimal price, BigDecimal reference) {
        if (reference == null || reference.signum() == 0) {
            return Double.NaN;
        }
        double d = price.subtract(reference).doubleValue() / reference.doubleValue() * 10_000;
        return side == Side.BUY ? d : -d;
    }
}
