import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundingBox, centroid, distanceMetres, type GeoPoint, inBox, interpolate, withinMetres } from '../../src/places/distance.js';

const point = fc.record({ lat: fc.double({ min: -80, max: 80, noNaN: true }), lon: fc.double({ min: -179, max: 179, noNaN: true }) });

describe('distances', () => {
  it('measures a known distance: a degree of latitude is about 111.2 km, a block about 100 m', () => {
    expect(distanceMetres({ lat: 27, lon: -109.4 }, { lat: 28, lon: -109.4 })).toBeCloseTo(111_195, -1);
    expect(distanceMetres({ lat: 27.07, lon: -109.44 }, { lat: 27.070903, lon: -109.44 })).toBeCloseTo(100.4, 0);
    // Mexico City's Zócalo to the Ángel de la Independencia: about 3.5 km.
    expect(distanceMetres({ lat: 19.4326, lon: -99.1332 }, { lat: 19.427, lon: -99.1677 })).toBeGreaterThan(3500);
    expect(withinMetres({ lat: 27, lon: -109 }, { lat: 27.0005, lon: -109 }, 60)).toBe(true);
    expect(withinMetres({ lat: 27, lon: -109 }, { lat: 27.001, lon: -109 }, 60)).toBe(false);
  });

  it('is symmetric and zero only from a point to itself', () => {
    fc.assert(
      fc.property(point, point, (a, b) => {
        expect(distanceMetres(a, b)).toBeCloseTo(distanceMetres(b, a), 6);
        expect(distanceMetres(a, a)).toBe(0);
      }),
    );
  });

  it('boxes every point within the radius', () => {
    fc.assert(
      fc.property(
        point,
        fc.double({ min: 1, max: 5000, noNaN: true }),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        (c, r, bearing) => {
          // A point at distance r·0.99 in some direction, on the local plane.
          const dLat = ((r * 0.99 * Math.cos(bearing)) / 6_371_008.8) * (180 / Math.PI);
          const dLon = ((r * 0.99 * Math.sin(bearing)) / (6_371_008.8 * Math.cos((c.lat * Math.PI) / 180))) * (180 / Math.PI);
          const p: GeoPoint = { lat: c.lat + dLat, lon: c.lon + dLon };
          fc.pre(distanceMetres(c, p) <= r);
          expect(inBox(boundingBox(c, r), p)).toBe(true);
        },
      ),
    );
  });

  it('interpolates along a segment and finds the middle of points', () => {
    const a = { lat: 27, lon: -109.4 };
    const b = { lat: 27.01, lon: -109.38 };
    expect(interpolate(a, b, 0)).toEqual(a);
    expect(interpolate(a, b, 1)).toEqual(b);
    expect(interpolate(a, b, 2)).toEqual(b);
    expect(interpolate(a, b, 0.5).lat).toBeCloseTo(27.005, 9);
    expect(centroid([a, b])?.lon).toBeCloseTo(-109.39, 9);
    expect(centroid([])).toBeUndefined();
  });
});
