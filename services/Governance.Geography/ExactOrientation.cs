using System.Numerics;
using System.Runtime.CompilerServices;

namespace Governance.Geography;

/// <summary>
/// The sign of the 2D orientation determinant, exact for all finite doubles. A floating-point
/// evaluation with Shewchuk's error bound decides almost every call; only near-degenerate cases
/// (a point on or within rounding distance of a line) fall back to exact integer arithmetic.
/// Exactness is what lets two polygons that share an edge always agree on which side a point is.
/// </summary>
internal static class ExactOrientation
{
    // (3 + 16ε)ε with ε = 2^-53: Shewchuk's ccwerrboundA for the determinant as evaluated below.
    private const double ErrorBound = (3.0 + 16.0 * 1.1102230246251565e-16) * 1.1102230246251565e-16;

    /// <summary>+1 if p lies left of the directed line a→b, −1 if right, 0 if on it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Sign(double ax, double ay, double bx, double by, double px, double py)
    {
        var left = (ax - px) * (by - py);
        var right = (ay - py) * (bx - px);
        var det = left - right;
        var bound = ErrorBound * (Math.Abs(left) + Math.Abs(right));
        if (det > bound)
        {
            return 1;
        }

        if (-det > bound)
        {
            return -1;
        }

        return SignExact(ax, ay, bx, by, px, py);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int SignExact(double ax, double ay, double bx, double by, double px, double py)
    {
        // Every finite double is m·2^e with integer m; scaling all six by 2^-min(e) makes them
        // integers, and integer arithmetic has no rounding.
        var minExponent = int.MaxValue;
        Span<double> values = [ax, ay, bx, by, px, py];
        foreach (var v in values)
        {
            if (v != 0.0)
            {
                minExponent = Math.Min(minExponent, Decompose(v, out _));
            }
        }

        if (minExponent == int.MaxValue)
        {
            return 0;
        }

        var iax = ToScaledInteger(ax, minExponent);
        var iay = ToScaledInteger(ay, minExponent);
        var ibx = ToScaledInteger(bx, minExponent);
        var iby = ToScaledInteger(by, minExponent);
        var ipx = ToScaledInteger(px, minExponent);
        var ipy = ToScaledInteger(py, minExponent);
        var det = (iax - ipx) * (iby - ipy) - (iay - ipy) * (ibx - ipx);
        return det.Sign;
    }

    private static BigInteger ToScaledInteger(double value, int minExponent)
    {
        if (value == 0.0)
        {
            return BigInteger.Zero;
        }

        var exponent = Decompose(value, out var mantissa);
        return new BigInteger(mantissa) << (exponent - minExponent);
    }

    /// <summary>value = mantissa · 2^exponent with a signed integer mantissa.</summary>
    private static int Decompose(double value, out long mantissa)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var negative = bits < 0;
        var biased = (int)((bits >> 52) & 0x7FF);
        var fraction = bits & 0xFFFFFFFFFFFFFL;
        int exponent;
        if (biased == 0)
        {
            exponent = -1074; // subnormal
        }
        else
        {
            fraction |= 1L << 52;
            exponent = biased - 1075;
        }

        mantissa = negative ? -fraction : fraction;
        return exponent;
    }
}
