{{ unit_quarter_mart([
    ['active_learners', 'integer'], ['posters_or_repliers', 'integer'], ['posts', 'integer'], ['replies', 'integer'],
    ['peer_reviews', 'integer'], ['replies_per_post', 'double'], ['peer_reviews_per_learner', 'double'],
    ['l4_social_learning', 'double'],
]) }}
