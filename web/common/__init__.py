"""What every router shares: page rendering, forms, security headers, rate limits, staff auth."""
