{{ unit_quarter_mart([
    ['recommendations', 'integer'], ['recommendations_taken_up', 'integer'],
    ['uptake_within_7_days_percent', 'double', '100.0 * recommendations_taken_up / nullif(recommendations, 0)'],
]) }}
